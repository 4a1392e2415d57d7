// The topic reader lives in @hallmark/testing, where the end-of-run secret scan uses it too.
export { kafka, readTopic } from '@hallmark/testing';
