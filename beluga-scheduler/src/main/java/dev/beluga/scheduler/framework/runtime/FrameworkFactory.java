package dev.beluga.scheduler.framework.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.beluga.scheduler.config.DefaultPlugins;
import dev.beluga.scheduler.config.ExtensionPoint;
import dev.beluga.scheduler.config.PluginRef;
import dev.beluga.scheduler.config.PluginSet;
import dev.beluga.scheduler.config.ProfileConfig;
import dev.beluga.scheduler.framework.BindPlugin;
import dev.beluga.scheduler.framework.EnqueueExtensions;
import dev.beluga.scheduler.framework.FilterPlugin;
import dev.beluga.scheduler.framework.PermitPlugin;
import dev.beluga.scheduler.framework.Plugin;
import dev.beluga.scheduler.framework.PluginFactory;
import dev.beluga.scheduler.framework.PostBindPlugin;
import dev.beluga.scheduler.framework.PostFilterPlugin;
import dev.beluga.scheduler.framework.PreBindPlugin;
import dev.beluga.scheduler.framework.PreEnqueuePlugin;
import dev.beluga.scheduler.framework.PreFilterPlugin;
import dev.beluga.scheduler.framework.PreScorePlugin;
import dev.beluga.scheduler.framework.QueueSortPlugin;
import dev.beluga.scheduler.framework.ReservePlugin;
import dev.beluga.scheduler.framework.ScorePlugin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a {@link Framework} from a profile configuration, with upstream's rules:
 * <ol>
 *   <li>the profile's {@code multiPoint} set is merged over the default one ({@link DefaultPlugins}): disabled
 *       names (or {@code "*"}) drop defaults, an enabled name equal to a default replaces it in place (e.g. to change
 *       a weight), other enabled names are appended;</li>
 *   <li>for each extension point the plugins are: those named in both {@code multiPoint} and the point's own
 *       {@code enabled} list (in the point's order), then the remaining {@code multiPoint} plugins implementing the
 *       point (unless the point disables them, or all with {@code "*"}), then the rest of the point's list;</li>
 *   <li>score weights come from the score list, else from {@code multiPoint}, else 1;</li>
 *   <li>each plugin is created once per profile, with its {@code pluginConfig} args.</li>
 * </ol>
 */
public final class FrameworkFactory {
    private FrameworkFactory() {
    }

    /**
     * @throws IllegalArgumentException for unknown plugins, a plugin at a point it does not implement, duplicates, or
     *                                  a profile without exactly one QueueSort or without a Bind plugin
     */
    public static Framework create(ProfileConfig profile, Registry registry, FrameworkContext ctx) {
        Framework f = new Framework(profile.schedulerName(), profile.percentageOfNodesToScore(), ctx);
        List<PluginRef> multiPoint = merge(DefaultPlugins.multiPoint(), profile.plugins().get(ExtensionPoint.MULTI_POINT));
        Map<String, Integer> multiPointWeights = new HashMap<>();
        for (PluginRef r : multiPoint) if (r.weight() != null && r.weight() > 0) multiPointWeights.put(r.name(), r.weight());

        Set<String> needed = new LinkedHashSet<>();
        for (PluginRef r : multiPoint) needed.add(r.name());
        for (ExtensionPoint ep : ExtensionPoint.values())
            if (ep != ExtensionPoint.MULTI_POINT) for (PluginRef r : profile.plugins().get(ep).enabled()) needed.add(r.name());
        for (String name : needed) {
            PluginFactory factory = registry.get(name);
            if (factory == null) throw new IllegalArgumentException("plugin \"" + name + "\" does not exist (profile " + profile.schedulerName() + ")");
            JsonNode args = profile.pluginConfig().getOrDefault(name, JsonNodeFactory.instance.objectNode());
            Plugin p;
            try {
                p = factory.create(args, f);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("initializing plugin \"" + name + "\": " + e.getMessage(), e);
            } catch (Exception e) {
                throw new IllegalArgumentException("initializing plugin \"" + name + "\": " + e, e);
            }
            if (!p.name().equals(name))
                throw new IllegalArgumentException("plugin registered as \"" + name + "\" calls itself \"" + p.name() + "\"");
            f.plugins.put(name, p);
        }
        for (String n : profile.pluginConfig().keySet())
            if (!f.plugins.containsKey(n)) throw new IllegalArgumentException("pluginConfig for plugin \"" + n + "\" which is not enabled");

        Map<String, Integer> scoreWeights = new HashMap<>();
        for (PluginRef r : profile.plugins().get(ExtensionPoint.SCORE).enabled())
            if (r.weight() != null && r.weight() > 0) scoreWeights.put(r.name(), r.weight());

        for (ExtensionPoint ep : ExtensionPoint.values()) {
            if (ep == ExtensionPoint.MULTI_POINT) continue;
            for (String name : expand(ep, profile.plugins().get(ep), multiPoint, f.plugins)) add(f, ep, f.plugins.get(name));
        }
        for (int i = 0; i < f.score.size(); i++) {
            String n = f.score.get(i).name();
            f.scoreWeights.add(scoreWeights.getOrDefault(n, multiPointWeights.getOrDefault(n, 1)));
        }
        if (f.queueSort == null) throw new IllegalArgumentException("profile " + profile.schedulerName() + ": one QueueSort plugin is required");
        if (f.bind.isEmpty()) throw new IllegalArgumentException("profile " + profile.schedulerName() + ": at least one Bind plugin is required");
        registerEvents(f);
        return f;
    }

    static List<PluginRef> merge(List<PluginRef> defaults, PluginSet custom) {
        Set<String> disabled = new HashSet<>();
        for (PluginRef r : custom.disabled()) disabled.add(r.name());
        Map<String, Integer> customIndex = new LinkedHashMap<>();
        for (int i = 0; i < custom.enabled().size(); i++) customIndex.putIfAbsent(custom.enabled().get(i).name(), i);
        Set<Integer> replaced = new HashSet<>();
        List<PluginRef> out = new ArrayList<>();
        if (!disabled.contains("*")) {
            for (PluginRef d : defaults) {
                if (disabled.contains(d.name())) continue;
                Integer ci = customIndex.get(d.name());
                if (ci != null) {
                    out.add(custom.enabled().get(ci));
                    replaced.add(ci);
                } else {
                    out.add(d);
                }
            }
        }
        for (int i = 0; i < custom.enabled().size(); i++) if (!replaced.contains(i)) out.add(custom.enabled().get(i));
        return out;
    }

    private static List<String> expand(ExtensionPoint ep, PluginSet set, List<PluginRef> multiPoint, Map<String, Plugin> plugins) {
        LinkedHashSet<String> enabled = new LinkedHashSet<>();
        for (PluginRef r : set.enabled()) {
            Plugin p = plugins.get(r.name());
            if (!implementsPoint(p, ep))
                throw new IllegalArgumentException("plugin \"" + r.name() + "\" does not extend " + ep.fieldName() + " plugin");
            if (!enabled.add(r.name())) throw new IllegalArgumentException("plugin \"" + r.name() + "\" already registered as " + ep.fieldName());
        }
        if (set.disablesAll()) return new ArrayList<>(enabled);
        Set<String> disabled = new HashSet<>();
        for (PluginRef r : set.disabled()) disabled.add(r.name());
        LinkedHashSet<String> fromMultiPoint = new LinkedHashSet<>();
        Set<String> overrides = new HashSet<>();
        for (PluginRef r : multiPoint) {
            Plugin p = plugins.get(r.name());
            if (!implementsPoint(p, ep) || disabled.contains(r.name())) continue;
            if (enabled.contains(r.name())) {
                overrides.add(r.name());
                continue;
            }
            if (!fromMultiPoint.add(r.name()))
                throw new IllegalArgumentException("plugin \"" + r.name() + "\" already registered as " + ep.fieldName());
        }
        List<String> out = new ArrayList<>();
        for (String n : enabled) if (overrides.contains(n)) out.add(n);
        out.addAll(fromMultiPoint);
        for (String n : enabled) if (!overrides.contains(n)) out.add(n);
        return out;
    }

    static boolean implementsPoint(Plugin p, ExtensionPoint ep) {
        return switch (ep) {
            case PRE_ENQUEUE -> p instanceof PreEnqueuePlugin;
            case QUEUE_SORT -> p instanceof QueueSortPlugin;
            case PRE_FILTER -> p instanceof PreFilterPlugin;
            case FILTER -> p instanceof FilterPlugin;
            case POST_FILTER -> p instanceof PostFilterPlugin;
            case PRE_SCORE -> p instanceof PreScorePlugin;
            case SCORE -> p instanceof ScorePlugin;
            case RESERVE -> p instanceof ReservePlugin;
            case PERMIT -> p instanceof PermitPlugin;
            case PRE_BIND -> p instanceof PreBindPlugin;
            case BIND -> p instanceof BindPlugin;
            case POST_BIND -> p instanceof PostBindPlugin;
            case MULTI_POINT -> true;
        };
    }

    private static void add(Framework f, ExtensionPoint ep, Plugin p) {
        switch (ep) {
            case PRE_ENQUEUE -> f.preEnqueue.add((PreEnqueuePlugin) p);
            case QUEUE_SORT -> {
                if (f.queueSort != null)
                    throw new IllegalArgumentException("only one QueueSort plugin can be enabled, got " + f.queueSort.name() + " and " + p.name());
                f.queueSort = (QueueSortPlugin) p;
            }
            case PRE_FILTER -> f.preFilter.add((PreFilterPlugin) p);
            case FILTER -> f.filter.add((FilterPlugin) p);
            case POST_FILTER -> f.postFilter.add((PostFilterPlugin) p);
            case PRE_SCORE -> f.preScore.add((PreScorePlugin) p);
            case SCORE -> f.score.add((ScorePlugin) p);
            case RESERVE -> f.reserve.add((ReservePlugin) p);
            case PERMIT -> f.permit.add((PermitPlugin) p);
            case PRE_BIND -> f.preBind.add((PreBindPlugin) p);
            case BIND -> f.bind.add((BindPlugin) p);
            case POST_BIND -> f.postBind.add((PostBindPlugin) p);
            case MULTI_POINT -> {
            }
        }
    }

    /** Plugins that can reject a pod (PreEnqueue, PreFilter, Filter, Reserve, Permit) get their event registrations. */
    private static void registerEvents(Framework f) {
        Set<Plugin> rejecting = new LinkedHashSet<>();
        rejecting.addAll(f.preEnqueue);
        rejecting.addAll(f.preFilter);
        rejecting.addAll(f.filter);
        rejecting.addAll(f.reserve);
        rejecting.addAll(f.permit);
        for (Plugin p : rejecting) {
            if (p instanceof EnqueueExtensions ee) {
                var regs = ee.eventsToRegister();
                f.events.put(p.name(), regs == null ? null : List.copyOf(regs));
            } else {
                f.events.put(p.name(), null);
            }
        }
    }
}
