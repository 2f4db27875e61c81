package org.dockerera.events.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.camel.AsyncProcessor;
import org.apache.camel.Component;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.seda.BlockingQueueFactory;
import org.apache.camel.component.seda.SedaComponent;
import org.apache.camel.component.seda.SedaConsumer;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.util.URISupport;

/**
 * Camel's seda component (installed as {@code seda} in the dockerera context), except that a {@code multipleConsumers} endpoint does not drop the exchanges in flight
 * when a consumer joins or leaves: stock seda stops its multicast processor at that moment (Camel 4.18), losing
 * what it was delivering. Here a new processor takes over for new exchanges and the old one finishes its own.
 * And a consumer polls every 100 ms rather than every second unless its URI says {@code pollTimeout}.
 */
final class FanOutSedaComponent extends SedaComponent {
    /** Also how long a newly started seda consumer waits before it first polls (stock default: 1000 ms). */
    static final int DEFAULT_POLL_TIMEOUT_MILLIS = 100;

    FanOutSedaComponent() {
        setDefaultPollTimeout(DEFAULT_POLL_TIMEOUT_MILLIS);
    }

    @Override
    protected SedaEndpoint createEndpoint(String endpointUri, Component component,
                                          BlockingQueueFactory<Exchange> queueFactory, int concurrentConsumers) {
        return new Endpoint(endpointUri, component, queueFactory, concurrentConsumers);
    }

    @Override
    protected SedaEndpoint createEndpoint(String endpointUri, Component component, BlockingQueue<Exchange> queue,
                                          int concurrentConsumers) {
        return new Endpoint(endpointUri, component, queue, concurrentConsumers);
    }

    static final class Endpoint extends SedaEndpoint {
        private final Lock lock = new ReentrantLock();
        private volatile AsyncProcessor multicast;
        private volatile boolean started;
        private ExecutorService executor;

        Endpoint(String uri, Component component, BlockingQueueFactory<Exchange> factory, int concurrentConsumers) {
            super(uri, component, factory, concurrentConsumers);
        }

        Endpoint(String uri, Component component, BlockingQueue<Exchange> queue, int concurrentConsumers) {
            super(uri, component, queue, concurrentConsumers);
        }

        @Override
        protected AsyncProcessor getConsumerMulticastProcessor() {
            lock.lock();
            try {
                if (!started && multicast != null) {
                    org.apache.camel.support.service.ServiceHelper.startService(multicast);
                    started = true;
                }
                return multicast;
            } finally {
                lock.unlock();
            }
        }

        @Override
        protected void updateMulticastProcessor() {
            lock.lock();
            try {
                if (!isMultipleConsumersSupported()) {
                    return;
                }
                // the old processor is not stopped: exchanges it is delivering complete; it holds no thread of its
                // own (the executor is shared and stays) and is garbage once no consumer thread refers to it
                multicast = null;
                started = false;
                if (getConsumers().isEmpty()) {
                    return;
                }
                if (executor == null) {
                    executor = getCamelContext().getExecutorServiceManager().newDefaultThreadPool(this,
                            URISupport.sanitizeUri(getEndpointUri()) + "(multicast)");
                }
                List<Processor> processors = new ArrayList<>();
                for (SedaConsumer consumer : getConsumers()) {
                    processors.add(consumer.getProcessor());
                }
                multicast = (AsyncProcessor) PluginHelper.getProcessorFactory(getCamelContext())
                        .createProcessor(getCamelContext(), "MulticastProcessor",
                                new Object[] { processors, executor, false });
            } catch (Exception e) {
                throw new IllegalStateException("cannot build the multicast to the consumers of " + getEndpointUri(),
                        e);
            } finally {
                lock.unlock();
            }
        }

        @Override
        protected void doShutdown() throws Exception {
            super.doShutdown();
            if (executor != null) {
                getCamelContext().getExecutorServiceManager().shutdownNow(executor);
                executor = null;
            }
        }
    }
}
