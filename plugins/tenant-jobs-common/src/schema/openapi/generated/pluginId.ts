export const pluginId = 'tenant-jobs';
