package io.github.pgredis.sink.testing;

import java.util.UUID;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;

import com.github.dockerjava.api.model.ContainerNetwork;

/**
 * A Docker network of a test's own with a subnet of its own, so that its containers keep fixed addresses that the
 * test (on the host) reaches directly, and a container can leave it (a real partition: packets dropped, nothing
 * resets) and come back at the same address.
 */
final class TestNetwork implements AutoCloseable {
    private Network network;
    private String prefix;
    private int next = 10;

    /** A network on a free /24 of 10.213.0.0/16 (one a leftover network or another test holds is skipped). */
    TestNetwork() {
        RuntimeException refused = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            String candidate = "10.213." + (1 + Math.floorMod(UUID.randomUUID().hashCode(), 250)) + ".";
            Network created = Network.builder()
                    .createNetworkCmdModifier(create -> create.withIpam(
                            new com.github.dockerjava.api.model.Network.Ipam().withConfig(
                                    new com.github.dockerjava.api.model.Network.Ipam.Config()
                                            .withSubnet(candidate + "0/24"))))
                    .build();
            try {
                created.getId();
                this.network = created;
                this.prefix = candidate;
                return;
            } catch (RuntimeException overlapping) {
                refused = overlapping;
            }
        }
        throw new IllegalStateException("no free /24 under 10.213.0.0/16 for a test network", refused);
    }

    /** Puts the container on this network at the next free address, and returns that address. */
    String attach(GenericContainer<?> container) {
        String ip = prefix + next++;
        container.withNetwork(network).withCreateContainerCmdModifier(create -> create.withIpv4Address(ip));
        return ip;
    }

    /** Cuts the container off the network. */
    void disconnect(GenericContainer<?> container) {
        DockerClientFactory.instance().client().disconnectFromNetworkCmd().withNetworkId(network.getId())
                .withContainerId(container.getContainerId()).exec();
    }

    /** Puts the container back on the network at {@code ip}. */
    void reconnect(GenericContainer<?> container, String ip) {
        DockerClientFactory.instance().client().connectToNetworkCmd().withNetworkId(network.getId())
                .withContainerId(container.getContainerId())
                .withContainerNetwork(new ContainerNetwork().withIpamConfig(
                        new ContainerNetwork.Ipam().withIpv4Address(ip)))
                .exec();
    }

    @Override
    public void close() {
        network.close();
    }
}
