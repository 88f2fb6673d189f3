import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// Component tests render a whole test app; on a busy machine (the unit
// stage runs every package at once) they need more than the defaults.
jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 5_000 });
