/**
 * What may be exported: the admin's allowed roots for files and devices, checked on paths, with
 * readable reasons. The engine's store checks again on what it opened (see {@link PathPolicy}).
 */
package dev.aoe.policy;
