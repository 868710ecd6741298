package io.centraal.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.centraal.jobs.CentraalCli;
import io.centraal.jobs.bench.BenchCommand;
import io.centraal.scoring.schema.Stage;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The import rules of the code base, checked on the compiled classes of all three modules:
 * packages form a DAG (a cycle means two packages can only be understood, tested and changed
 * together), and the scheduled jobs stay thin: a job reads, calls stages from {@code common} and
 * writes, so no job and no benchmark uses another job's code.
 */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    // Production classes only: test classes and the common module's test jar are not part of the layering.
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(location -> !location.contains("-tests.jar"))
        .importPackages("io.centraal");
  }

  /**
   * The command line's root lists every command, benchmarks included, while benchmarks reuse the
   * jobs' session and option classes: that one registration is the composition root, not a cycle.
   */
  @Test
  void packagesFormADirectedAcyclicGraph() {
    slices().matching("io.centraal.(**)").should().beFreeOfCycles()
        .ignoreDependency(CentraalCli.class, BenchCommand.class)
        .check(classes);
  }

  @Test
  void noStageJobUsesAnotherStageJob() {
    for (String job : new String[] {"IngestJob", "IdentityJob", "FeaturesJob", "ScoreJob", "ExportJob", "RetentionJob"}) {
      noClasses().that().haveSimpleNameEndingWith("Job").and().doNotHaveSimpleName(job)
          .and().resideInAPackage("io.centraal.jobs..")
          .should().dependOnClassesThat().haveFullyQualifiedName("io.centraal.jobs." + job)
          .check(classes);
    }
  }

  @Test
  void benchmarksUseStagesNotJobs() {
    noClasses().that().haveSimpleNameStartingWith("Bench").should().dependOnClassesThat()
        .haveSimpleNameEndingWith("Job").check(classes);
  }

  /** One naming pattern: a stage that adds score columns to customers is a ...Scoring. */
  @Test
  void scoringStagesAreNamedScoring() {
    classes().that().implement(Stage.class).should().haveSimpleNameEndingWith("Scoring").check(classes);
  }

  @Test
  void commonDoesNotReachUpIntoTheJobsOrTheReport() {
    noClasses().that().resideInAPackage("io.centraal.scoring..").should().dependOnClassesThat()
        .resideInAnyPackage("io.centraal.jobs..", "io.centraal.report..").check(classes);
  }
}
