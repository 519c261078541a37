package dev.beluga.scheduler.plugins.defaultbinder;

import dev.beluga.scheduler.client.Binder;
import dev.beluga.scheduler.framework.BindPlugin;
import dev.beluga.scheduler.framework.CycleState;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.Status;
import dev.beluga.scheduler.plugins.Names;

/** Binds through the {@link Binder} client (the API's {@code pods/binding}). */
public final class DefaultBinder implements BindPlugin {
    private final Binder binder;

    public DefaultBinder(Binder binder) {
        this.binder = binder;
    }

    @Override
    public String name() {
        return Names.DEFAULT_BINDER;
    }

    @Override
    public Status bind(CycleState state, PodInfo pod, String nodeName) {
        try {
            binder.bind(pod.pod(), nodeName);
            return Status.SUCCESS;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Status.error(e);
        } catch (Exception e) {
            return Status.error(e);
        }
    }
}
