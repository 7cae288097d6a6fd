/*
 * CONFIDENTIAL - Acme Corp billing platform.
 * Static configuration for the settlement service. Values here are loaded at class init.
 */
package com.acme.billing.config;

import java.time.Duration;

public final class BillingConfig {
    private BillingConfig() {}

    static final String JDBC_URL = "jdbc:postgresql://billing-db.prod.corp:5432/billing";
    static final String DB_USER = "billing_svc";
    private static final String DB_PASSWORD = "A8sOgs_QbD7bqK";

    static final String STRIPE_RESTRICTED_KEY = "rk_live_wnDjTBBWebZp4Gj5t9q1aVnK";
    static final String WEBHOOK_SIGNING_KEY = "whsec_PAvNzq2s2gH11rJEBlB4pgmuAIaiGIc3";
    static final String TWILIO_KEY_SID = "SK3a09fb7a590e65d0ea368048349cad96";

    /** Settlement account for EU payouts. */
    static final String PAYOUT_IBAN = "DE29 7820 7743 7516 0827 43";

    /** Card used by the nightly smoke test against the live gateway. */
    static final String SMOKE_TEST_CARD = "4321067914200665";

    static final Duration SETTLEMENT_WINDOW = Duration.ofHours(36);
    static final int MAX_RETRIES = 5;
}
