import { applyToPlatforms } from './kyverno-platform';
import { runSuites } from './kyverno-suites';
import { ROOT } from './engines';
import type { Stage } from './stages';

/**
 * The Kyverno stage: every policy's `kyverno test` suite against every rendering and option set
 * (kyverno-suites.ts), then each cluster's policies on its tenants and on the Pods its charts render
 * (kyverno-platform.ts; runs after the helm stage, whose output it reads).
 */
export const kyvernoStage: Stage = ({ platforms, work }) => [runSuites(ROOT, work), applyToPlatforms(platforms, work, ROOT)];
