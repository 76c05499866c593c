package io.github.pgredis.sink;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The direction of dependencies between the sink's packages, enforced: the connector and task on top, then the
 * stateful core, then its metrics, then applying changes, then the Redis session and the mapping of records, then the event view,
 * with errors and config helpers at the bottom. No cycles.
 */
class PackageDirectionTest {
    private static final JavaClasses SINK = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.github.pgredis.sink");

    @Test
    void packagesFormNoCycles() {
        slices().matching("io.github.pgredis.sink.(*)..").should().beFreeOfCycles().check(SINK);
    }

    @Test
    void eachPackageUsesOnlyThoseBelowIt() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("connector").definedBy("io.github.pgredis.sink")
                .layer("core").definedBy("io.github.pgredis.sink.core..")
                .layer("metrics").definedBy("io.github.pgredis.sink.metrics..")
                .layer("apply").definedBy("io.github.pgredis.sink.apply..")
                .layer("redis").definedBy("io.github.pgredis.sink.redis..")
                .layer("kafka").definedBy("io.github.pgredis.sink.kafka..")
                .layer("mapping").definedBy("io.github.pgredis.sink.mapping..")
                .layer("event").definedBy("io.github.pgredis.sink.event..")
                .layer("errors").definedBy("io.github.pgredis.sink.errors..")
                .layer("config").definedBy("io.github.pgredis.sink.config..")
                .whereLayer("connector").mayNotBeAccessedByAnyLayer()
                .whereLayer("core").mayOnlyBeAccessedByLayers("connector")
                .whereLayer("metrics").mayOnlyBeAccessedByLayers("connector", "core")
                .whereLayer("apply").mayOnlyBeAccessedByLayers("connector", "core", "metrics")
                .whereLayer("redis").mayOnlyBeAccessedByLayers("connector", "core", "apply")
                .whereLayer("kafka").mayOnlyBeAccessedByLayers("connector", "apply")
                .whereLayer("mapping").mayOnlyBeAccessedByLayers("connector", "core", "apply")
                .whereLayer("event").mayOnlyBeAccessedByLayers("connector", "core", "metrics", "apply", "mapping")
                .whereLayer("errors").mayOnlyBeAccessedByLayers("connector", "core", "apply", "redis", "mapping",
                        "event")
                .whereLayer("config").mayOnlyBeAccessedByLayers("connector", "mapping")
                .check(SINK);
    }
}
