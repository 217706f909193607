// The engine's shared rules (GET /api/domain, docs/architecture.md "Contracts"): the pages read them once
// instead of restating them, so a rule changed in the engine changes the pages with it.
import { getJson } from "./auth";
import { needsReason } from "./events";
import { finalStates, type Schemas } from "./types";

/** The bounds of the downlink commands' arguments (DeviceCommands in the engine). */
export type CommandLimits = Schemas["CommandLimitsResponse"];

export type DomainRules = Schemas["DomainRulesResponse"];

let rules: DomainRules | null = null;
let loading: Promise<DomainRules | null> | null = null;

/** Loads the rules once per page and fills the shared sets (finalStates, needsReason); later calls reuse the first answer. */
export function loadDomainRules(): Promise<DomainRules | null> {
  loading ??= getJson<DomainRules>("/api/domain").then((r) => {
    rules = r;
    for (const state of r?.endStates ?? []) finalStates.add(state);
    for (const action of r?.actionsNeedingReason ?? []) needsReason.add(action);
    return r;
  });
  return loading;
}

/** The rules once loaded; null before, or when the engine could not be asked. */
export function domainRules(): DomainRules | null {
  return rules;
}
