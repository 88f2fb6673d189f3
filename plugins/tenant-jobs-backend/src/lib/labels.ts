/** The value of a label whose real value is outside its bounded set. */
export const OTHER = 'other';
