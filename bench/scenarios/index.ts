/**
 * bench/scenarios/index.ts — every scenario the bench knows. A new scenario: a file of its own in
 * this folder exporting a `Scenario` (bench/lib/scenarios.ts), and one entry in the list below.
 */
import { registerScenarios } from '../lib/scenarios.js';
import { builtinScenarios } from './builtin.js';
import { restProxyScenario } from './rest-proxy.js';
import { cacheHitScenario } from './cache-hit.js';

registerScenarios([...builtinScenarios, restProxyScenario, cacheHitScenario]);
