package dev.aoe.engine;

import dev.aoe.ata.Outcome;
import dev.aoe.net.RawSocket;
import dev.aoe.protocol.AoeHeader;
import dev.aoe.responder.TargetCounts;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The replies one thread has ready, sent together with one sendmmsg straight from their frames
 * (pool frames or ring slots) and then released with the frames that needed no reply. Confined
 * to its thread; allocates nothing per frame.
 */
final class Replies {
    private static final Logger LOG = Logger.getLogger(Replies.class.getName());

    private final RawSocket.Sender sender;
    private final String interfaceName;
    private final Frame[] frames;
    /** Each reply's frame address, as the sender takes it. */
    private final long[] addresses;
    private final int[] lengths;
    /** Where each reply's latency is counted: a block the sending thread owns. */
    private final TargetCounts[] owners;
    /** Replies sent; written by the owning thread alone, read by the port's metrics. */
    private final AtomicLong sent = new AtomicLong();
    /** Frames to release after the send, replies first: [0, sending) are sent. */
    private int sending;
    private int held;

    Replies(RawSocket socket, int capacity) {
        this.sender = socket.sender();
        this.interfaceName = socket.interfaceName();
        this.frames = new Frame[capacity];
        this.addresses = new long[capacity];
        this.lengths = new int[capacity];
        this.owners = new TargetCounts[capacity];
    }

    /**
     * Queues the frame's reply, or keeps the frame for release when there is none ({@link
     * Outcome#NO_REPLY}); the reply's latency, from receive to send, is counted in {@code counts}.
     */
    void put(Frame frame, int length, TargetCounts counts) {
        if (length == Outcome.NO_REPLY) {
            drop(frame);
        } else if (length < AoeHeader.LENGTH || length > frame.buffer.capacity()) {
            // The sender takes addresses: a length past the frame would send the memory after it.
            LOG.warning(interfaceName + ": internal error: reply length " + length + " outside ["
                    + AoeHeader.LENGTH + ", " + frame.buffer.capacity() + "]; dropped");
            drop(frame);
        } else {
            add(frame, length, counts);
        }
    }

    /** Queues the frame's reply of {@code length} bytes; sends first if the batch is full. */
    private void add(Frame frame, int length, TargetCounts counts) {
        if (held == frames.length) {
            send();
        }
        // Replies stay in front of the frames without one, which only wait to be released.
        if (sending < held) {
            frames[held] = frames[sending];
        }
        frames[sending] = frame;
        addresses[sending] = frame.address;
        lengths[sending] = length;
        owners[sending] = counts;
        sending++;
        held++;
    }

    /** Keeps a frame that gets no reply until {@link #send()}, which releases it. */
    private void drop(Frame frame) {
        if (held == frames.length) {
            send();
        }
        frames[held++] = frame;
    }

    /** Sends every queued reply and releases every held frame (to its pool or ring). */
    void send() {
        if (sending > 0) {
            try {
                sender.send(addresses, lengths, sending);
                sent(System.nanoTime());
            } catch (IOException e) {
                // A lost reply is retransmitted by the initiator; the engine keeps serving.
                LOG.log(Level.FINE, interfaceName + ": send failed", e);
            }
        }
        for (int i = 0; i < held; i++) {
            frames[i].release();
            frames[i] = null;
            if (i < sending) {
                owners[i] = null;
            }
        }
        sending = 0;
        held = 0;
    }

    private void sent(long now) {
        for (int i = 0; i < sending; i++) {
            owners[i].replied(now - frames[i].receivedNanos);
        }
        // One writer: a plain read and an opaque write, no atomic instruction.
        sent.setOpaque(sent.getPlain() + sending);
    }

    /** Replies sent so far. */
    long sent() {
        return sent.get();
    }
}
