import { realisticRun } from './support/url-target-run.ts';

// Realistic mode for tencent-cbs (GitHub issue 13): see support/url-target-run.ts.
realisticRun('tencent-cbs');
