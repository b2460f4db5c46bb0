import { helmStage } from './helm';
import { kubeconformStage } from './kubeconform';
import { kyvernoStage } from './kyverno';
import { kustomizeStage } from './kustomize';
import { SynthesizedPlatform } from './platforms';
import { EngineReport } from './report';

/** What every stage gets: the synthesized platforms, a work folder, and the reports of earlier stages. */
export interface StageContext {
  readonly platforms: readonly SynthesizedPlatform[];
  /** Temporary folder of this run; a stage writes under its own subfolder. */
  readonly work: string;
  /** Reports of the stages that ran before (e.g. kubeconform reads what helm rendered via `renderedCharts`). */
  readonly reports: readonly EngineReport[];
}

/** A conformance stage: runs one upstream engine and reports every verdict. */
export type Stage = (context: StageContext) => EngineReport[];

/** The stages in the order they run. */
export const STAGES: readonly Stage[] = [
  helmStage,
  kubeconformStage,
  // After helm: reads the charts' rendered objects.
  kyvernoStage,
  kustomizeStage,
];
