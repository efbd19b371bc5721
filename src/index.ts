/**
 * dpdesk as a library. The one deliberate barrel of the package.
 *
 * @example
 * import { assessBreach, parseIncident } from "dpdesk";
 */
export * from "./law/index.js";
