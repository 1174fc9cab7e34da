package dev.herald.channel.apns;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The I/O threads every {@link ApnsSender} shares, so a gateway with many APNs credentials runs a fixed number of
 * threads however many clients it holds. The composition root creates one, passes it to each sender, and closes it
 * after every sender is closed (a sender never closes it).
 *
 * <p>Pushy 0.15.4 recognises event loop groups by class name and accepts only {@code NioEventLoopGroup} or
 * {@code EpollEventLoopGroup}; Netty 4.2's {@code MultiThreadIoEventLoopGroup} would be refused, so this holds the
 * (deprecated in 4.2, still working) {@code NioEventLoopGroup}. Threads are daemons named {@code herald-apns-*}.
 *
 * <p>Thread-safe. {@link #close()} is idempotent.
 */
public final class ApnsResources implements AutoCloseable {
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

    private final EventLoopGroup group;

    private ApnsResources(EventLoopGroup group) {
        this.group = group;
    }

    /**
     * A group of {@code threads} NIO event loops. One or two threads carry thousands of notifications a second;
     * more help only with many credentials under load.
     */
    @SuppressWarnings("deprecation") // NioEventLoopGroup is what Pushy 0.15.4 accepts; see the class comment
    public static ApnsResources create(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        return new ApnsResources(new NioEventLoopGroup(threads, new DefaultThreadFactory("herald-apns", true)));
    }

    EventLoopGroup eventLoopGroup() {
        return group;
    }

    /** Shuts the threads down, waiting up to five seconds. Close every sender first. */
    @Override
    public void close() {
        group.shutdownGracefully(0, SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(SHUTDOWN_TIMEOUT.plusSeconds(1).toMillis());
    }
}
