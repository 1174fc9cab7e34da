package dev.herald.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Packages run one way (README, "Architecture"): no package cycles in the gateway; the SPI, the adapters, the
 * configuration and the rate limiter never import the gateway; the delivery side never imports an endpoint
 * package and never reads a JSON tree (the Braze JSON is read once, at ingress); the store knows neither.
 */
final class ArchitectureTest {
    private static JavaClasses herald;

    @BeforeAll
    static void importClasses() {
        herald = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.herald");
    }

    /** The rules below would pass vacuously on an empty import. */
    @Test
    void theImportSeesEveryModule() {
        for (String type : new String[] {"dev.herald.gateway.Herald", "dev.herald.gateway.delivery.DeliveryEngine",
                "dev.herald.channel.SendOutcome", "dev.herald.channel.apns.ApnsSender", "dev.herald.channel.fcm.FcmSender",
                "dev.herald.channel.smtp.SmtpSender", "dev.herald.channel.sms.TwilioSmsSender",
                "dev.herald.channel.webhook.WebhookSender", "dev.herald.config.HeraldConfig",
                "dev.herald.ratelimit.RateLimiter"}) {
            assertTrue(herald.contain(type), type + " was not imported");
        }
    }

    @Test
    void theGatewaysPackagesHaveNoCycles() {
        slices().matching("dev.herald.gateway.(**)").should().beFreeOfCycles().check(herald);
    }

    @Test
    void theSpiAdaptersConfigAndRateLimiterNeverImportTheGateway() {
        noClasses().that().resideInAnyPackage("dev.herald.channel..", "dev.herald.config..", "dev.herald.ratelimit..")
                .should().dependOnClassesThat().resideInAPackage("dev.herald.gateway..").check(herald);
    }

    @Test
    void theSpiImportsNoAdapter() {
        noClasses().that().resideInAPackage("dev.herald.channel").should().dependOnClassesThat()
                .resideInAnyPackage("dev.herald.channel.(*)..").check(herald);
    }

    @Test
    void theDeliverySideNeverImportsAnEndpointPackage() {
        noClasses().that().resideInAnyPackage("dev.herald.gateway.delivery..", "dev.herald.gateway.events..",
                        "dev.herald.gateway.binding..", "dev.herald.gateway.template..", "dev.herald.gateway.model..",
                        "dev.herald.gateway.store..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.herald.gateway.api..",
                        "dev.herald.gateway.braze..", "dev.herald.gateway.users..", "dev.herald.gateway.callbacks..",
                        "dev.herald.gateway.ingress..", "dev.herald.gateway.live..", "dev.herald.gateway.idempotency..",
                        "dev.herald.gateway.ops..", "dev.herald.gateway.subscriptions..")
                .check(herald);
    }

    @Test
    void theDeliverySideNeverReadsAJsonTree() {
        noClasses().that().resideInAnyPackage("dev.herald.gateway.delivery..", "dev.herald.gateway.events..",
                        "dev.herald.gateway.template..", "dev.herald.gateway.model..", "dev.herald.gateway.store..")
                .should().dependOnClassesThat().resideInAPackage("com.fasterxml.jackson.databind.node..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("com.fasterxml.jackson.databind.JsonNode")
                .check(herald);
    }

    @Test
    void theStoreAndTheModelKnowNothingAboveThem() {
        noClasses().that().resideInAnyPackage("dev.herald.gateway.store..", "dev.herald.gateway.model..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.herald.gateway.delivery..",
                        "dev.herald.gateway.binding..", "dev.herald.gateway.template..", "dev.herald.gateway.events..",
                        "dev.herald.gateway.http..")
                .check(herald);
    }

    @Test
    void onlyTheCompositionRootKnowsTheStoreEngines() {
        noClasses().that().resideOutsideOfPackages("dev.herald.gateway", "dev.herald.gateway.store.sqlite..")
                .should().dependOnClassesThat().resideInAPackage("dev.herald.gateway.store.sqlite..").check(herald);
        noClasses().that().resideOutsideOfPackages("dev.herald.gateway", "dev.herald.gateway.store.postgres..")
                .should().dependOnClassesThat().resideInAPackage("dev.herald.gateway.store.postgres..").check(herald);
    }
}
