package dev.emm.core.sweep;

import dev.emm.core.spec.SweepExpansion;
import java.util.ArrayList;
import java.util.List;

/**
 * A sweep as the orchestrator stores it ({@code sweeps/{sweepId}/sweep.json}): one experiment per
 * value of one factor, with the spec each runs, so a restart can create a member whose start was
 * interrupted. Its progress is its members' states; {@code completionAnnounced} is true once the
 * broker has acknowledged the sweep's completed event, so a restart in between announces it again.
 */
public record SweepState(int schemaVersion, String sweepId, String name, String factor, List<SweepMember> members,
        boolean completionAnnounced) {

    public static final int VERSION = 1;
    /** Longest sweep id: its members' ids ({@code {sweepId}-v15}) must stay experiment ids of at most 63 characters. */
    public static final int MAX_ID_LENGTH = 59;

    public SweepState {
        members = List.copyOf(members);
    }

    /** A new sweep; member i is experiment {@code {sweepId}-v{i}}. */
    public static SweepState start(String sweepId, SweepExpansion.Expanded sweep) {
        List<SweepMember> members = new ArrayList<>();
        for (int i = 0; i < sweep.members().size(); i++) {
            SweepExpansion.Member member = sweep.members().get(i);
            members.add(new SweepMember(member.value(), memberId(sweepId, i), member.spec()));
        }
        return new SweepState(VERSION, sweepId, sweep.name(), sweep.factor(), members, false);
    }

    public static String memberId(String sweepId, int index) {
        return sweepId + "-v" + index;
    }

    public SweepState announced() {
        return new SweepState(schemaVersion, sweepId, name, factor, members, true);
    }
}
