/**
 * The hub's settings, one small record per component (limits, relay, node links, ledger, federation, worker), each
 * validated where it is made with messages that name the command-line option; {@link dev.idleclaw.server.HubConfig}
 * composes them, and each component receives only its part.
 */
package dev.idleclaw.config;
