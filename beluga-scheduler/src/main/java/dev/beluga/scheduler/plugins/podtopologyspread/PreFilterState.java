package dev.beluga.scheduler.plugins.podtopologyspread;

import dev.beluga.scheduler.framework.StateData;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-constraint counts of matching pods by topology value, the two smallest domains ("critical paths") and the number
 * of eligible domains (upstream {@code podtopologyspread.preFilterState}). Cloned for preemption.
 */
final class PreFilterState implements StateData {
    final List<SpreadConstraint> constraints;
    final List<Map<String, Integer>> matchNum;
    final CriticalPaths[] criticalPaths;
    final int[] domains;

    PreFilterState(List<SpreadConstraint> constraints) {
        this.constraints = constraints;
        this.matchNum = new ArrayList<>(constraints.size());
        for (int i = 0; i < constraints.size(); i++) matchNum.add(new HashMap<>());
        this.criticalPaths = new CriticalPaths[constraints.size()];
        for (int i = 0; i < criticalPaths.length; i++) criticalPaths[i] = new CriticalPaths();
        this.domains = new int[constraints.size()];
    }

    private PreFilterState(PreFilterState o) {
        this.constraints = o.constraints;
        this.matchNum = new ArrayList<>(o.matchNum.size());
        for (Map<String, Integer> m : o.matchNum) matchNum.add(new HashMap<>(m));
        this.criticalPaths = new CriticalPaths[o.criticalPaths.length];
        for (int i = 0; i < criticalPaths.length; i++) criticalPaths[i] = o.criticalPaths[i].copy();
        this.domains = o.domains.clone();
    }

    /** The global minimum of constraint i, 0 when fewer eligible domains than {@code minDomains}. */
    int minMatchNum(int i) {
        int min = criticalPaths[i].min();
        if (domains[i] < constraints.get(i).minDomains()) return 0;
        return min;
    }

    @Override
    public StateData cloneData() {
        return new PreFilterState(this);
    }

    /** The two topology values with the fewest matching pods (upstream {@code criticalPaths}). */
    static final class CriticalPaths {
        String v0;
        int n0 = Integer.MAX_VALUE;
        String v1;
        int n1 = Integer.MAX_VALUE;

        int min() {
            return n0;
        }

        void update(String value, int num) {
            int i = value.equals(v0) ? 0 : value.equals(v1) ? 1 : -1;
            if (i >= 0) {
                if (i == 0) n0 = num;
                else n1 = num;
                if (n0 > n1) {
                    String tv = v0;
                    int tn = n0;
                    v0 = v1;
                    n0 = n1;
                    v1 = tv;
                    n1 = tn;
                }
            } else if (num < n0) {
                v1 = v0;
                n1 = n0;
                v0 = value;
                n0 = num;
            } else if (num < n1) {
                v1 = value;
                n1 = num;
            }
        }

        CriticalPaths copy() {
            CriticalPaths c = new CriticalPaths();
            c.v0 = v0;
            c.n0 = n0;
            c.v1 = v1;
            c.n1 = n1;
            return c;
        }
    }
}
