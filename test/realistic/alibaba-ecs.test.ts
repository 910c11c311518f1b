import { realisticRun } from './support/url-target-run.ts';

// Realistic mode for alibaba-ecs (GitHub issue 13): see support/url-target-run.ts.
realisticRun('alibaba-ecs');
