package dev.idleclaw;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import dev.idleclaw.registry.Scheduler;
import dev.idleclaw.relay.ChatRelay;
import dev.idleclaw.server.Hub;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layout of {@code docs/architecture.md}: each stage of a request's path is one package, a package uses
 * only the ones below it, and no packages import each other in a circle. Checked on the compiled main classes.
 */
class ArchitectureTest {
    /** Top to bottom: a layer may use only the layers after it. */
    private static final String[] LAYERS = {"cli", "worker", "server", "web", "cluster", "tracker", "admission", "front", "relay", "verify", "link", "registry"};
    /** Packages below every layer: what they share (settings, counters) and the protocol, identity and storage code. */
    private static final String[] SHARED = {"config", "stats", "wire", "json", "chat", "ledger", "receipt", "identity",
        "ollama", "node", "peer", "announce", "auth", "home", "tls", "tools"};

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.idleclaw");
        // An importer that cannot read this JDK's class files would find nothing, and every rule would hold vacuously.
        assertThat(classes.contain(Hub.class) && classes.contain(ChatRelay.class) && classes.contain(Scheduler.class)).isTrue();
        assertThat(classes.get(ChatRelay.class).getDirectDependenciesFromSelf()).isNotEmpty();
    }

    @Test
    void topLevelPackagesImportNoCircle() {
        slices().matching("dev.idleclaw.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void everyPackageImportsNoCircle() {
        slices().matching("dev.idleclaw.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void eachStageUsesOnlyTheStagesBelowIt() {
        LayeredArchitecture layers = layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (String layer : LAYERS) layers = layers.layer(layer).definedBy("dev.idleclaw." + layer + "..");
        layers = layers.whereLayer(LAYERS[0]).mayNotBeAccessedByAnyLayer();
        for (int i = 1; i < LAYERS.length; i++) {
            layers = layers.whereLayer(LAYERS[i]).mayOnlyBeAccessedByLayers(Arrays.copyOfRange(LAYERS, 0, i));
        }
        layers.check(classes);
    }

    @Test
    void sharedPackagesUseNoStage() {
        noClasses().that().resideInAnyPackage(packages(SHARED))
            .should().dependOnClassesThat().resideInAnyPackage(packages(LAYERS))
            .check(classes);
    }

    private static String[] packages(String[] names) {
        return Arrays.stream(names).map(n -> "dev.idleclaw." + n + "..").toArray(String[]::new);
    }
}
