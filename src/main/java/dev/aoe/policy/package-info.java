/** What may be exported: the admin's allowed roots for files and devices. */
package dev.aoe.policy;
