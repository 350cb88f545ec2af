export { createTestDatabase, type TestDatabase } from './database.ts';
export { samplePlan } from './sample-plan.ts';
export { seededRandom } from './seeded-random.ts';
