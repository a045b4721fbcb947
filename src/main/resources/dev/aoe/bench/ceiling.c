/*
 * ceiling: the fastest AoE target this link allows, for `aoe bench`. It answers what the
 * bench's load generator and initiator send (Query Config, ATA IDENTIFY, READ/WRITE SECTORS
 * (EXT), FLUSH CACHE (EXT)) with correct replies but touches no storage: reads return zeroed
 * sectors, writes are dropped. One thread, replies built in the receive buffers, one
 * recvmmsg and one sendmmsg per batch, so what it costs is the link's and the kernel's share.
 *
 * usage: ceiling -b BUFFERS SHELF SLOT IFACE SECTORS
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define ETH_P_AOE 0x88A2
#define BATCH 64
#define FRAME 9216
#define SECTOR 512
#define ATA_DATA 36
#define MIN_FRAME 60

enum { CMD_ATA = 0, CMD_CONFIG = 1 };
enum { FLAG_RESPONSE = 0x08, FLAG_ERROR = 0x04, ERR_BAD_COMMAND = 1, ERR_BAD_ARGUMENT = 2 };
enum { STATUS_OK = 0x40, STATUS_FAILED = 0x41, ERROR_ABRT = 0x04 };

static unsigned char frames[BATCH][FRAME];
static const unsigned char zeros[FRAME];
static unsigned char identity[SECTOR];
static unsigned char mac[6];
static unsigned shelf, slot, buffers, max_sectors;
static uint64_t sectors;

static void put16(unsigned char *p, unsigned v) { p[0] = v >> 8; p[1] = v; }
static void put_le16(unsigned char *p, unsigned v) { p[0] = v; p[1] = v >> 8; }

/* ATA strings are byte-swapped in pairs and space-padded. */
static void put_ata_string(int word, int bytes, const char *s) {
    for (int i = 0; i < bytes; i++) {
        identity[2 * word + (i ^ 1)] = i < (int) strlen(s) ? s[i] : ' ';
    }
}

static void make_identity(void) {
    uint64_t lba28 = sectors < 0x0FFFFFFF ? sectors : 0x0FFFFFFF;
    put_ata_string(10, 20, "ceiling");
    put_ata_string(23, 8, "1");
    put_ata_string(27, 40, "aoe bench ceiling");
    put_le16(identity + 2 * 49, 1 << 9);                /* LBA supported */
    put_le16(identity + 2 * 60, lba28 & 0xFFFF);
    put_le16(identity + 2 * 61, lba28 >> 16);
    put_le16(identity + 2 * 83, 1 << 10 | 1 << 14);     /* 48-bit LBA */
    put_le16(identity + 2 * 86, 1 << 10);
    for (int i = 0; i < 4; i++) {
        put_le16(identity + 2 * (100 + i), sectors >> (16 * i));
    }
}

/* Turns the request in f into its reply header: back to the sender, from us, R set. */
static void make_reply(unsigned char *f) {
    memcpy(f, f + 6, 6);
    memcpy(f + 6, mac, 6);
    f[14] = 0x10 | FLAG_RESPONSE;
    f[15] = 0;
    put16(f + 16, shelf);
    f[18] = slot;
}

static int pad(unsigned char *f, int length) {
    if (length < MIN_FRAME) {
        memset(f + length, 0, MIN_FRAME - length);
        return MIN_FRAME;
    }
    return length;
}

static int ata_result(unsigned char *f, int status, int error) {
    f[27] = status;
    f[25] = error;
    f[26] = 0;
    return ATA_DATA;
}

/*
 * Builds the reply to the request in f (n bytes) in place; the data of a read (zeros[]) or of
 * IDENTIFY goes in iov[1]. Returns the length of the reply in f, unpadded, or 0 for a frame
 * that gets no reply.
 */
static int answer(unsigned char *f, int n, struct iovec *iov) {
    iov[1].iov_base = (void *) zeros;
    iov[1].iov_len = 0;
    if (n < 24 || (f[14] & FLAG_RESPONSE) || (f[14] >> 4) != 1) {
        return 0;
    }
    unsigned s = f[16] << 8 | f[17], d = f[18];
    if ((s != shelf && s != 0xFFFF) || (d != slot && d != 0xFF)) {
        return 0;
    }
    make_reply(f);
    if (f[19] == CMD_CONFIG) {
        if (n < 32 || (f[29] & 0x0F) != 0) {
            return 0; /* only "read config" is answered; the bench sends nothing else */
        }
        put16(f + 24, buffers);
        put16(f + 26, 0x4019);
        f[28] = max_sectors;
        f[29] = 0x10;
        put16(f + 30, 0);
        return 32;
    }
    if (f[19] != CMD_ATA) {
        f[14] |= FLAG_ERROR;
        f[15] = ERR_BAD_COMMAND;
        return 24;
    }
    if (n < ATA_DATA) {
        f[14] |= FLAG_ERROR;
        f[15] = ERR_BAD_ARGUMENT;
        return 24;
    }
    unsigned count = f[26];
    uint64_t lba = 0;
    for (int i = 5; i >= 0; i--) {
        lba = lba << 8 | f[28 + i];
    }
    if (!(f[24] & 0x40)) {
        lba &= 0x0FFFFFFF;
    }
    switch (f[27]) {
    case 0xEC: /* IDENTIFY DEVICE */
        iov[1].iov_base = identity;
        iov[1].iov_len = SECTOR;
        return ata_result(f, STATUS_OK, 0);
    case 0x20: case 0x24: /* READ SECTORS (EXT) */
    case 0x30: case 0x34: /* WRITE SECTORS (EXT) */
        if (count > max_sectors || lba + count > sectors
                || ((f[27] & 0x30) == 0x30 && n < ATA_DATA + (int) count * SECTOR)) {
            return ata_result(f, STATUS_FAILED, ERROR_ABRT);
        }
        if ((f[27] & 0x30) == 0x20) {
            iov[1].iov_len = count * SECTOR;
        }
        return ata_result(f, STATUS_OK, 0);
    case 0xE7: case 0xEA: /* FLUSH CACHE (EXT): nothing was stored */
        return ata_result(f, STATUS_OK, 0);
    default:
        return ata_result(f, STATUS_FAILED, ERROR_ABRT);
    }
}

static void usage(void) {
    fprintf(stderr, "usage: ceiling -b BUFFERS SHELF SLOT IFACE SECTORS\n");
    exit(2);
}

int main(int argc, char **argv) {
    if (argc != 7 || strcmp(argv[1], "-b") != 0) {
        usage();
    }
    buffers = atoi(argv[2]);
    shelf = atoi(argv[3]);
    slot = atoi(argv[4]);
    const char *iface = argv[5];
    sectors = strtoull(argv[6], NULL, 10);

    int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_AOE));
    if (fd < 0) {
        perror("ceiling: socket");
        return 1;
    }
    struct ifreq ifr = {0};
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", iface);
    if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) {
        perror("ceiling: SIOCGIFINDEX");
        return 1;
    }
    int ifindex = ifr.ifr_ifindex;
    if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
        perror("ceiling: SIOCGIFHWADDR");
        return 1;
    }
    memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
    if (ioctl(fd, SIOCGIFMTU, &ifr) < 0) {
        perror("ceiling: SIOCGIFMTU");
        return 1;
    }
    max_sectors = (ifr.ifr_mtu - ATA_DATA) / SECTOR;
    if (max_sectors > 255) {
        max_sectors = 255;
    }
    struct sockaddr_ll addr = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_AOE), .sll_ifindex = ifindex};
    if (bind(fd, (struct sockaddr *) &addr, sizeof addr) < 0) {
        perror("ceiling: bind");
        return 1;
    }
    int bytes = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &bytes, sizeof bytes);
    make_identity();

    struct mmsghdr in[BATCH], out[BATCH];
    struct iovec in_iov[BATCH], out_iov[BATCH][2];
    for (int i = 0; i < BATCH; i++) {
        in_iov[i] = (struct iovec) {.iov_base = frames[i], .iov_len = FRAME};
        in[i] = (struct mmsghdr) {.msg_hdr = {.msg_iov = &in_iov[i], .msg_iovlen = 1}};
    }
    fprintf(stderr, "ceiling: e%u.%u on %s, %llu sectors, %u per frame, buffer count %u\n", shelf, slot, iface,
            (unsigned long long) sectors, max_sectors, buffers);
    for (;;) {
        int n = recvmmsg(fd, in, BATCH, MSG_WAITFORONE, NULL);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("ceiling: recvmmsg");
            return 1;
        }
        int replies = 0;
        for (int i = 0; i < n; i++) {
            struct iovec *iov = out_iov[replies];
            int length = answer(frames[i], in[i].msg_len, iov);
            if (length == 0) {
                continue;
            }
            if (iov[1].iov_len == 0) {
                length = pad(frames[i], length);
            }
            iov[0] = (struct iovec) {.iov_base = frames[i], .iov_len = length};
            out[replies] = (struct mmsghdr) {.msg_hdr = {.msg_iov = iov, .msg_iovlen = iov[1].iov_len ? 2 : 1}};
            replies++;
        }
        for (int sent = 0; sent < replies;) {
            int k = sendmmsg(fd, out + sent, replies - sent, 0);
            if (k < 0) {
                if (errno == EINTR) {
                    continue;
                }
                perror("ceiling: sendmmsg");
                return 1;
            }
            sent += k;
        }
    }
}
