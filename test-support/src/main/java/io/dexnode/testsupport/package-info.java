/**
 * What the modules' tests share, used with test scope only: a child JVM to kill with SIGKILL
 * (crash tests), temporary directories, and the locator of the shared test vectors (skip on a
 * developer's clone without them, fail under CI). It must not know any dexnode module, so that every
 * module's tests can use it.
 */
package io.dexnode.testsupport;
