package io.voiceagent.sip;

import io.voiceagent.config.AddressBlock;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Who may send us SIP requests, in or out of a dialog: every address the outbound proxy/registrar
 * resolves to, plus {@code SIP_TRUSTED_PEERS}. Anyone else gets 403; the first refusal of an
 * address is logged as a warning naming it (so an operator can add a carrier's new SBC), later
 * ones only at debug level so a scanner cannot flood the log.
 */
final class TrustedPeers {

    private static final System.Logger LOG = System.getLogger(TrustedPeers.class.getName());
    /** Bound on remembered refused addresses; when full it starts over (a few repeated warnings). */
    private static final int REMEMBERED_REFUSALS = 1024;

    private final List<AddressBlock> blocks;
    private final Set<InetAddress> refused = new HashSet<>();

    TrustedPeers(List<InetAddress> servers, List<AddressBlock> configured) {
        List<AddressBlock> all = new ArrayList<>();
        servers.forEach(address -> all.add(AddressBlock.of(address)));
        all.addAll(configured);
        this.blocks = List.copyOf(all);
    }

    boolean contains(InetAddress address) {
        return blocks.stream().anyMatch(block -> block.contains(address));
    }

    /** Logs the refusal of {@code request} from {@code source}. Called on the serial executor. */
    void logRefusal(SipMessage.Request request, java.net.InetSocketAddress source) {
        if (refused.size() >= REMEMBERED_REFUSALS) {
            refused.clear();
        }
        System.Logger.Level level = refused.add(source.getAddress())
                ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG;
        LOG.log(level, "{0} from {1} refused with 403: {2} is not SIP_SERVER nor in SIP_TRUSTED_PEERS ({3})",
                request.method(), source, source.getAddress().getHostAddress(), this);
    }

    @Override
    public String toString() {
        return String.join(",", blocks.stream().map(AddressBlock::toString).toList());
    }
}
