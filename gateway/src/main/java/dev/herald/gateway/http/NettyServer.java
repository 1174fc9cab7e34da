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

    private NettyServer(Channel listener, InFlightRequests inFlight, ChannelGroup connections) {
        this.listener = listener;
        this.inFlight = inFlight;
        this.connections = connections;
    }

    /** Binds a listener on {@code host:port} (port 0 = any free port) sharing the given event loops. */
    public static NettyServer start(EventLoopGroup boss, EventLoopGroup workers, String host, int port,
                                    long maxBody, RequestProcessor processor) throws InterruptedException {
        var inFlight = new InFlightRequests();
        var connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        Channel listener = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ServerInitializer(processor, (int) Math.min(Integer.MAX_VALUE, maxBody), inFlight,
                        connections))
                .bind(host, port).sync().channel();
        return new NettyServer(listener, inFlight, connections);
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

    /** Closes every open connection. */
    public void closeConnections() {
        connections.close().awaitUninterruptibly();
    }
}
