package io.dexnode.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dexnode.book.BookReason;
import io.dexnode.engine.tx.RejectCode;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The node's one table of how engine codes are answered: every rejection code and every book
 * reason has an entry (a new constant without one fails here), statuses are the kinds DESIGN.md §8
 * names, and the public names are the strings clients already use.
 */
class ApiCodesTest {

    @Test
    void everyRejectCodeHasAStatusOfTheKindsTheApiUsesAndAPublicNameThatLeadsBackToIt() {
        for (RejectCode code : RejectCode.values()) {
            assertThat(ApiCodes.httpStatus(code)).as(code.name()).isIn(400, 401, 403, 404, 409, 413, 422, 503);
            assertThat(ApiCodes.name(code)).as(code.name()).isNotBlank();
            assertThat(ApiCodes.rejectCode(ApiCodes.name(code))).isEqualTo(code);
        }
        assertThat(ApiCodes.rejectCode("no_such_code")).isNull();
    }

    @Test
    void everyBookReasonHasAPublicName() {
        for (BookReason reason : BookReason.values()) {
            assertThat(ApiCodes.name(reason)).as(reason.name()).isNotBlank();
        }
    }

    @Test
    void publicNamesAreTheLowerCaseSpellingsClientsAlreadyUse() {
        for (RejectCode code : RejectCode.values()) {
            assertThat(ApiCodes.name(code)).isEqualTo(code.name().toLowerCase(Locale.ROOT));
        }
        for (BookReason reason : BookReason.values()) {
            assertThat(ApiCodes.name(reason)).isEqualTo(reason.name().toLowerCase(Locale.ROOT));
        }
        assertThat(ApiCodes.name(BookReason.CANCELLED_BY_USER)).isEqualTo("cancelled_by_user");
    }

    @Test
    void eachKindOfRefusalHasItsStatus() {
        assertThat(ApiCodes.httpStatus(RejectCode.MALFORMED)).isEqualTo(400);
        assertThat(ApiCodes.httpStatus(RejectCode.BAD_SIGNATURE)).isEqualTo(401);
        assertThat(ApiCodes.httpStatus(RejectCode.NOT_OWNER)).isEqualTo(403);
        assertThat(ApiCodes.httpStatus(RejectCode.NOT_ALLOWED)).isEqualTo(403);
        assertThat(ApiCodes.httpStatus(RejectCode.WRONG_CHAIN)).isEqualTo(403);
        assertThat(ApiCodes.httpStatus(RejectCode.UNKNOWN_ORDER)).isEqualTo(404);
        assertThat(ApiCodes.httpStatus(RejectCode.UNKNOWN_MARKET)).isEqualTo(404);
        assertThat(ApiCodes.httpStatus(RejectCode.UNKNOWN_ACCOUNT)).isEqualTo(404);
        assertThat(ApiCodes.httpStatus(RejectCode.STALE_NONCE)).isEqualTo(409);
        assertThat(ApiCodes.httpStatus(RejectCode.TOO_LARGE)).isEqualTo(413);
        assertThat(ApiCodes.httpStatus(RejectCode.OVERLOADED)).isEqualTo(503);
        assertThat(ApiCodes.httpStatus(RejectCode.NOT_LEADER)).isEqualTo(503);
        assertThat(ApiCodes.name(RejectCode.NOT_LEADER)).isEqualTo("not_leader");
        assertThat(ApiCodes.httpStatus(RejectCode.TOO_MANY_ORDERS)).as("refused by the exchange's rules").isEqualTo(422);
        assertThat(ApiCodes.name(RejectCode.TOO_MANY_ORDERS)).isEqualTo("too_many_orders");
        for (RejectCode code : RejectCode.values()) {
            if (code.compareTo(RejectCode.MARKET_EXISTS) >= 0 && code != RejectCode.OVERLOADED && code != RejectCode.NOT_LEADER) {
                assertThat(ApiCodes.httpStatus(code)).as("%s is refused by the exchange's rules", code).isEqualTo(422);
            }
        }
    }
}
