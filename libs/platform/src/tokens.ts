/** Injection tokens shared by the service modules. */
export const PLATFORM_CONFIG = Symbol('PLATFORM_CONFIG');
export const EVENT_TRANSPORT = Symbol('EVENT_TRANSPORT');
export const LOGGER = Symbol('LOGGER');
export const SERVICE_DATA_SOURCE = Symbol('SERVICE_DATA_SOURCE');
export const ISSUER_CONFIG = Symbol('ISSUER_CONFIG');
