export * from './abis/generated.ts';
export * from './manifest.ts';
export * from './periphery.ts';
export * from './errors.ts';
