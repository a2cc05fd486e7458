export * from './address.js';
export * from './banset.js';
export * from './diff.js';
export * from './policy.js';
export * from './guard.js';
