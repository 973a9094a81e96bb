package dev.dctwin.models;

import dev.dctwin.domain.IncidentType;
import org.hamcrest.Description;
import org.hamcrest.Matcher;
import org.hamcrest.TypeSafeMatcher;

/** Hamcrest matchers for the models' outputs. */
final class ModelMatchers {
  private ModelMatchers() {}

  static Matcher<IncidentChange> opening(IncidentType type, long eventTime) {
    return change(type, true, eventTime);
  }

  static Matcher<IncidentChange> resolution(IncidentType type, long eventTime) {
    return change(type, false, eventTime);
  }

  private static Matcher<IncidentChange> change(IncidentType type, boolean opened, long eventTime) {
    return new TypeSafeMatcher<>() {
      @Override
      protected boolean matchesSafely(IncidentChange change) {
        return change.incident().type() == type
            && change.opened() == opened
            && change.eventTime() == eventTime;
      }

      @Override
      public void describeTo(Description description) {
        description.appendText(
            (opened ? "opening of " : "resolution of ") + type + " at " + eventTime);
      }
    };
  }
}
