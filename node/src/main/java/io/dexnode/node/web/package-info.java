/**
 * The trading page the node serves at {@code /} (docs/WEB.md): its static files, read from the jar,
 * and the headers that keep the page to its own scripts and its own origin. The page itself talks
 * to the node only through the public API; nothing here reads state or signs anything.
 */
package io.dexnode.node.web;
