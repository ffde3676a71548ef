/**
 * Risk (docs/RISK.md): the mark price no single trade can move, maintenance margin, the
 * end-of-block liquidation of every account below it (against the book, then with the market's
 * insurance fund, then by auto-deleveraging), funding, and the index of the accounts a move of
 * the mark may have put below maintenance. Its rules are pure functions of state and the books,
 * decided in integers and in a fixed order over sorted ids; it reads and changes state only
 * through {@link io.dexnode.engine.risk.RiskLedger}, which the execution implements, so it must
 * not know how state is stored or how a book matches.
 */
package io.dexnode.engine.risk;
