import { UmdError } from '../core/errors.js';
import type { SandboxPlan } from './plan.js';

/** ENOTSUP for a driver that requires the sandbox where it cannot be had in full. */
export function requirementError(driver: string, plan: SandboxPlan): UmdError | null {
  if (!plan.required || plan.status === 'on') return null;
  const lacking = plan.status === 'off' ? `the sandbox is turned off by ${plan.disabledBy}` : `missing ${plan.missing.map((m) => `${m.protection} (${m.reason})`).join(', ')}`;
  return new UmdError('ENOTSUP', `driver ${driver} requires the sandbox ("requireSandbox": true), but ${lacking}; refusing to load it`, {
    suggestions: [
      'Run the umd daemon as root, or allow user namespaces (sysctl user.max_user_namespaces, kernel.unprivileged_userns_clone)',
    ],
    driver,
    topic: 'sandbox',
  });
}

/** The log line for each thing the handler runs without. */
export function sandboxWarnings(driver: string, handlerName: string, plan: SandboxPlan): string[] {
  if (plan.status === 'off') {
    return [`driver ${driver}: handler ${handlerName} runs WITHOUT the sandbox, turned off by ${plan.disabledBy}: it runs as ${plan.user.name} with every privilege the daemon has`];
  }
  return plan.missing.map((m) => `driver ${driver}: handler ${handlerName} runs without ${m.protection}: ${m.reason}`);
}
