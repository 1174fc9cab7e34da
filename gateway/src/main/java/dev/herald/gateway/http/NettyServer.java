package dev.herald.gateway.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * One HTTP listener. Stopping is graceful: {@link #stopAccepting()} closes the listening socket,
 * {@link #awaitInFlight} waits for requests already received to be answered, and {@link #closeConnections()}
 * then closes the keep-alive connections.
 */
public final class NettyServer {
    private final Channel listener;
    private final InFlightRequests inFlight;
    private final ChannelGroup connections;
    private final ConnectionCount count;

    private NettyServer(Channel listener, InFlightRequests inFlight, ChannelGroup connections, ConnectionCount count) {
        this.listener = listener;
        this.inFlight = inFlight;
        this.connections = connections;
        this.count = count;
    }

    /**
     * Binds a listener on {@code host:port} (port 0 = any free port) on the given event loops, its connections
     * bounded in number and time by {@code limits}.
     */
    public static NettyServer start(EventLoopGroup boss, EventLoopGroup workers, String host, int port,
                                    long maxBody, ConnectionLimits limits, RequestProcessor processor)
            throws InterruptedException {
        var inFlight = new InFlightRequests();
        var connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        var count = new ConnectionCount(limits.maxConnections());
        Channel listener = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                // A client that shuts down its sending side after a request still reads the answer: without this
                // Netty closes the whole connection at the client's FIN, after the work was done.
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ServerInitializer(processor, (int) Math.min(Integer.MAX_VALUE, maxBody), limits,
                        count, inFlight, connections))
                .bind(host, port).sync().channel();
        return new NettyServer(listener, inFlight, connections, count);
    }

    /** The bound port. */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Closes the listening socket: no new connections. */
    public void stopAccepting() {
        listener.close().awaitUninterruptibly();
    }

    /** Waits until every received request has been answered; false if the timeout passed first. */
    public boolean awaitInFlight(Duration timeout) throws InterruptedException {
        return inFlight.awaitIdle(timeout);
    }

    /** Requests being handled right now. */
    public int inFlight() {
        return inFlight.count();
    }

    /** Connections open now. */
    public int openConnections() {
        return count.open();
    }

    /** Connections closed as soon as they were accepted, because {@code maxConnections} were open. */
    public long rejectedConnections() {
        return count.rejected();
    }

    /** Closes every open connection. */
    public void closeConnections() {
        connections.close().awaitUninterruptibly();
    }
}
