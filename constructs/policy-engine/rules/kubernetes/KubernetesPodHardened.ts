import { CONTROLS } from '../../frameworks';
import { containersOf, KUBERNETES_WORKLOAD_TYPES, podSpec } from '../../kubernetes-pods';
import { cannotVerify, compliant, nonCompliant } from '../../rule-engine';
import { defineRule } from '../../rule-helpers';
import { blocks, boolValue, containsUnresolved, isSet } from '../../terraform-json';

/** Pods run as non-root, read-only, without privilege escalation or capabilities, with seccomp and limits. */
export const KubernetesPodHardened = defineRule({
  id: 'KubernetesPodHardened',
  summary:
    'Kubernetes containers run as non-root with a read-only root filesystem, no privilege escalation, all capabilities dropped, seccomp RuntimeDefault and resource limits.',
  explanation:
    'An inference or agent container handles untrusted prompts; if it is tricked into running code, these settings keep ' +
    'that code from owning the node or starving its neighbours.',
  fix: 'Use KubernetesWorkload, or set security_context { run_as_non_root, read_only_root_filesystem = true, allow_privilege_escalation = false, capabilities { drop = ["ALL"] }, seccomp_profile { type = "RuntimeDefault" } } and resources.limits (cpu, memory) on every container.',
  level: 'error',
  frameworks: [CONTROLS.csfNetwork, CONTROLS.maestroInfrastructure],
  types: KUBERNETES_WORKLOAD_TYPES,
  evaluate(resource) {
    const spec = podSpec(resource);
    if (!spec) return cannotVerify('no pod spec found');
    const podContext = blocks(spec.security_context)[0] ?? {};
    const podSeccomp = blocks(podContext.seccomp_profile)[0]?.type;
    const problems: string[] = [];
    let unknown = false;
    const containers = containersOf(spec);
    if (containers.length === 0) return cannotVerify('no containers found in the pod spec');
    for (const c of containers) {
      const name = String(c.name ?? '?');
      const sc = blocks(c.security_context)[0] ?? {};
      const check = (ok: boolean | 'unresolved', what: string): void => {
        if (ok === 'unresolved') unknown = true;
        else if (!ok) problems.push(`container ${name}: ${what}`);
      };
      const bool = (v: unknown, want: boolean): boolean | 'unresolved' => {
        const b = boolValue(v);
        return b === 'unresolved' ? b : b === want;
      };
      const nonRoot = boolValue(sc.run_as_non_root) === undefined ? podContext.run_as_non_root : sc.run_as_non_root;
      check(bool(nonRoot, true), 'runAsNonRoot is not true');
      check(bool(sc.read_only_root_filesystem, true), 'readOnlyRootFilesystem is not true');
      check(bool(sc.allow_privilege_escalation, false), 'allowPrivilegeEscalation is not false');
      if (boolValue(sc.privileged) === true) problems.push(`container ${name}: privileged`);
      const drop = blocks(sc.capabilities)[0]?.drop;
      check(containsUnresolved(drop) ? 'unresolved' : Array.isArray(drop) && drop.map(String).includes('ALL'), 'capabilities do not drop ALL');
      const seccomp = blocks(sc.seccomp_profile)[0]?.type ?? podSeccomp;
      check(containsUnresolved(seccomp) ? 'unresolved' : seccomp === 'RuntimeDefault' || seccomp === 'Localhost', 'seccomp profile is not RuntimeDefault');
      const limits = blocks(c.resources)[0]?.limits as Record<string, unknown> | undefined;
      if (!limits || !isSet(limits.cpu) || !isSet(limits.memory)) {
        if (containsUnresolved(c.resources)) unknown = true;
        else problems.push(`container ${name}: no cpu and memory limits`);
      }
    }
    if (problems.length) return nonCompliant(problems.join('; '));
    return unknown ? cannotVerify('part of the security context is an expression') : compliant;
  },
});
