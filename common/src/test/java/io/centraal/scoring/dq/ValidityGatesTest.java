package io.centraal.scoring.dq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.run.InvalidConfigException;
import io.centraal.scoring.run.RunContext;
import java.time.LocalDate;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The gates' pass/fail rules, acceptance and their model_runs JSON, without Spark. */
class ValidityGatesTest {
  private static final GateSettings DEFAULTS = new GateSettings(true, true, true, 0.02, 0.25, List.of("clv"), 20, 2.0);
  private static final RunContext CTX = new RunContext(LocalDate.of(2024, 6, 30), "gates-1", "test");

  private static ValidityGates.Evidence evidence(double psi, boolean identified, boolean degrade) {
    return new ValidityGates.Evidence(true, "bg_nbd converged", true, "finite", identified, "clv_status x", degrade,
        OptionalDouble.of(0.001), OptionalDouble.of(psi), "churn_risk", OptionalDouble.of(3.0), "r",
        OptionalDouble.empty(), "not evaluated: no earlier run whose horizon has passed");
  }

  private static ValidityGates.Gate gate(ValidityGates.Outcome o, String name) {
    return o.gates().stream().filter(g -> g.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void aPsiAboveTheThresholdBlocksUntilAccepted() {
    ValidityGates.Outcome blocked = ValidityGates.evaluate(DEFAULTS, evidence(0.41, true, true), List.of(), "test");
    assertEquals(ValidityGates.BLOCKED, blocked.status());
    assertEquals(List.of(ValidityGates.MAX_PSI), blocked.blocking().stream().map(ValidityGates.Gate::name).toList());
    assertTrue(blocked.blockingLines().get(0).startsWith("max-psi failed: 0.4100 > 0.2500"),
        blocked.blockingLines().get(0));
    assertTrue(gate(blocked, ValidityGates.MAX_ROLLING_BACKTEST_MAE_RATIO).passed(), "no evidence is not a failure");

    ValidityGates.Outcome accepted = blocked.accept(List.of(ValidityGates.MAX_PSI), "run --accept-gate");
    assertEquals(ValidityGates.ACCEPTED, accepted.status());
    assertEquals("run --accept-gate", gate(accepted, ValidityGates.MAX_PSI).acceptedBy());
    assertFalse(accepted.entry(CTX).converged() == null || !accepted.entry(CTX).converged());

    ValidityGates.Outcome roundTrip = ValidityGates.Outcome.fromJson(accepted.toJson(CTX));
    assertEquals(accepted, roundTrip);
    assertEquals(ValidityGates.PASSED, ValidityGates.evaluate(DEFAULTS, evidence(0.25, true, true), List.of(), "t")
        .status(), "at the threshold passes");
  }

  @Test
  void anUnidentifiedModelIsAcceptedByDegradeModeOnly() {
    ValidityGates.Outcome degrade = ValidityGates.evaluate(DEFAULTS, evidence(0.0, false, true), List.of(), "t");
    ValidityGates.Gate identified = gate(degrade, ValidityGates.MODEL_IDENTIFIED);
    assertFalse(identified.passed());
    assertTrue(identified.accepted() && identified.acceptedBy().contains("on-unidentified = degrade"));
    assertEquals(ValidityGates.ACCEPTED, degrade.status());
    assertEquals(ValidityGates.BLOCKED, ValidityGates.evaluate(DEFAULTS, evidence(0.0, false, false), List.of(), "t")
        .status());
    GateSettings off = new GateSettings(true, true, false, 0.02, 0.25, List.of("clv"), 20, 2.0);
    assertEquals(ValidityGates.PASSED, ValidityGates.evaluate(off, evidence(0.0, false, false), List.of(), "t")
        .status(), "a gate switched off passes");
  }

  @Test
  void anUnknownGateNameIsRejected() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> ValidityGates.evaluate(DEFAULTS, evidence(0.0, true, true), List.of("max-pis"), "t"));
    assertTrue(e.getMessage().contains("max-pis") && e.getMessage().contains(ValidityGates.MAX_PSI), e.getMessage());
  }
}
