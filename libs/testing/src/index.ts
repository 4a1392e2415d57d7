export * from './kafka-broker';
export * from './postgres';
export * from './processes';
export * from './dev-gateway';
export * from './stack';
export * from './embedded';
export * from './wallet';
export * from './kafka-topics';
