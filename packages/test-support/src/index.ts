/**
 * Test support shared by the Papyra workspace, written once: a redis-server each test file
 * starts on its own free loopback port, and a seeded random generator. Private: never
 * published, imported by tests, examples' checks and the bench only.
 */
export { randomInt, seededRandom } from "./random.js";
export { freePort, RedisCluster, RedisServer, redisCli } from "./redis-server.js";
