/** Path of an entity's Jobs tab, below the entity page, in both systems. */
export const ENTITY_TAB_PATH = 'tenant-jobs';
