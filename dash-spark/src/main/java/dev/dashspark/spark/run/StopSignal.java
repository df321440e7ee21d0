package dev.dashspark.spark.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.runtime.AbstractFunction0;
import scala.runtime.BoxedUnit;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A request to stop a sweep early: a scheduler's SIGTERM, or the output's lease taken over by another sweep. The
 * sweep then submits no new trial, cancels the running ones with interrupt (their rows are not written: they will
 * run again), lets rows being committed finish, and returns.
 */
public final class StopSignal {
    private static final Logger LOG = LoggerFactory.getLogger(StopSignal.class);
    /** Runs before Spark's own hook that stops the SparkContext (priority 50), so cancelled jobs end cleanly. */
    static final int HOOK_PRIORITY = 60;

    private volatile String reason;
    private final CountDownLatch finished = new CountDownLatch(1);

    /** Asks the sweep to stop; the first reason is kept. */
    public synchronized void request(String why) {
        if (reason == null) {
            reason = why;
            LOG.warn("stop requested: {}", why);
        }
    }

    public boolean requested() {
        return reason != null;
    }

    public String reason() {
        return reason;
    }

    /** Called by the sweep when it has stopped (or ended): the shutdown hook may let the JVM go on exiting. */
    public void finished() {
        finished.countDown();
    }

    /**
     * Makes SIGTERM (and any other JVM shutdown) a stop request: a hook, run before Spark stops its context, asks
     * the sweep to stop and waits up to {@code grace} for it to finish. Hadoop bounds every shutdown hook to 30 s by
     * default ({@code hadoop.service.shutdown.timeout}), so keep {@code grace} under that.
     */
    public StopSignal onShutdown(Duration grace) {
        org.apache.spark.util.ShutdownHookManager.addShutdownHook(HOOK_PRIORITY, new AbstractFunction0<BoxedUnit>() {
            @Override
            public BoxedUnit apply() {
                request("the JVM is shutting down (SIGTERM or an exit)");
                try {
                    if (!finished.await(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                        LOG.warn("the sweep did not stop within {} s; exiting anyway", grace.toSeconds());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return BoxedUnit.UNIT;
            }
        });
        return this;
    }
}
