package org.dockerera.store.redis.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts of the store. Every write is one script, so Redis runs its version check, the data change, the
 * revision increment and the append to the change feed as one atomic step (and, with {@code appendfsync always},
 * writes them to the AOF together before it answers). Reads that need a consistent view of several keys are scripts
 * too.
 *
 * <p>Keys, all under the configured prefix: {@code rev} (the store revision, a string counter), {@code val},
 * {@code ver}, {@code cre} (hashes: key → value, version, create revision), {@code keys} (a sorted set of the keys,
 * all scored 0, so ZRANGEBYLEX lists a prefix in byte order) and {@code log} (the change feed: a stream whose entry
 * ids are {@code <revision>-0}, fields {@code k} key, {@code t} {@code p}ut or {@code d}elete, {@code v} value).
 *
 * <p>A write appends to the stream before it changes anything else: XADD is the step that can be refused (an id not
 * above the stream's last one), and a script that fails half-way is not rolled back by Redis.
 */
final class Scripts {
    /** KEYS rev, val, ver, cre, keys, log; ARGV key, value, expected, historyLength → {1, rev, cre} | {0, actual}. */
    static final Script PUT = new Script("""
            local cur = tonumber(redis.call('HGET', KEYS[3], ARGV[1]) or '0')
            local exp = tonumber(ARGV[3])
            if exp ~= -1 and exp ~= cur then return {0, cur} end
            local rev = tonumber(redis.call('GET', KEYS[1]) or '0') + 1
            local cre = rev
            if cur ~= 0 then cre = tonumber(redis.call('HGET', KEYS[4], ARGV[1])) end
            redis.call('XADD', KEYS[6], 'MAXLEN', '~', ARGV[4], string.format('%d-0', rev),
                'k', ARGV[1], 't', 'p', 'v', ARGV[2])
            redis.call('SET', KEYS[1], string.format('%d', rev))
            redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
            redis.call('HSET', KEYS[3], ARGV[1], string.format('%d', rev))
            if cur == 0 then
              redis.call('HSET', KEYS[4], ARGV[1], string.format('%d', rev))
              redis.call('ZADD', KEYS[5], 0, ARGV[1])
            end
            return {1, rev, cre}
            """);

    /** KEYS as PUT; ARGV key, expected, historyLength → {1, rev} deleted | {2} absent | {0, actual} conflict. */
    static final Script DELETE = new Script("""
            local cur = tonumber(redis.call('HGET', KEYS[3], ARGV[1]) or '0')
            local exp = tonumber(ARGV[2])
            if cur == 0 then
              if exp == -1 or exp == 0 then return {2} end
              return {0, 0}
            end
            if exp ~= -1 and exp ~= cur then return {0, cur} end
            local rev = tonumber(redis.call('GET', KEYS[1]) or '0') + 1
            redis.call('XADD', KEYS[6], 'MAXLEN', '~', ARGV[3], string.format('%d-0', rev), 'k', ARGV[1], 't', 'd')
            redis.call('SET', KEYS[1], string.format('%d', rev))
            redis.call('HDEL', KEYS[2], ARGV[1])
            redis.call('HDEL', KEYS[3], ARGV[1])
            redis.call('HDEL', KEYS[4], ARGV[1])
            redis.call('ZREM', KEYS[5], ARGV[1])
            return {1, rev}
            """);

    /** KEYS val, ver, cre; ARGV key → {value, version, createRevision} (nils when absent). */
    static final Script GET = new Script("""
            return {redis.call('HGET', KEYS[1], ARGV[1]), redis.call('HGET', KEYS[2], ARGV[1]),
                    redis.call('HGET', KEYS[3], ARGV[1])}
            """);

    /**
     * KEYS keys, val, ver, cre; ARGV prefix → flat {key, value, version, createRevision, …} in key order. Keys are
     * UTF-8, which never holds byte 0xFF, so {@code (prefix\xff} bounds the prefix's range. HMGET in chunks: Lua's
     * unpack has a limit of a few thousand values.
     */
    static final Script LIST = new Script("""
            local names
            if ARGV[1] == '' then
              names = redis.call('ZRANGEBYLEX', KEYS[1], '-', '+')
            else
              names = redis.call('ZRANGEBYLEX', KEYS[1], '[' .. ARGV[1], '(' .. ARGV[1] .. '\\255')
            end
            local out = {}
            local step = 500
            for i = 1, #names, step do
              local chunk = {}
              for j = i, math.min(i + step - 1, #names) do chunk[#chunk + 1] = names[j] end
              local v = redis.call('HMGET', KEYS[2], unpack(chunk))
              local ver = redis.call('HMGET', KEYS[3], unpack(chunk))
              local cre = redis.call('HMGET', KEYS[4], unpack(chunk))
              for j = 1, #chunk do
                if v[j] then
                  out[#out + 1] = chunk[j]
                  out[#out + 1] = v[j]
                  out[#out + 1] = ver[j]
                  out[#out + 1] = cre[j]
                end
              end
            end
            return out
            """);

    /**
     * KEYS rev, log; ARGV afterRevision, prefix, limit, budget →
     * {0, revision, oldestRetained} when the history after afterRevision is gone, else
     * {1, revision, scannedUpTo, rev, key, type, value-or-nil, …}. At most {@code budget} stream entries are looked
     * at (a narrow prefix over a long history must not block Redis for long); scannedUpTo is the revision the scan
     * reached: the store revision when it reached the end or filled the page.
     */
    static final Script CHANGES = new Script("""
            local rev = tonumber(redis.call('GET', KEYS[1]) or '0')
            local first = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', 1)
            local oldest = rev + 1
            if #first > 0 then oldest = tonumber(string.match(first[1][1], '^%d+')) end
            local after = tonumber(ARGV[1])
            if after < oldest - 1 then return {0, rev, oldest} end
            local prefix = ARGV[2]
            local plen = #prefix
            local limit = tonumber(ARGV[3])
            local budget = tonumber(ARGV[4])
            local out = {1, rev, rev}
            local cursor = after
            local found = 0
            while found < limit and cursor < rev and budget > 0 do
              local n = math.min(budget, 256)
              local entries = redis.call('XRANGE', KEYS[2], string.format('(%d-0', cursor), '+', 'COUNT', n)
              if #entries == 0 then break end
              for i = 1, #entries do
                local e = entries[i]
                local id = tonumber(string.match(e[1], '^%d+'))
                local f = e[2]
                if plen == 0 or string.sub(f[2], 1, plen) == prefix then
                  out[#out + 1] = id
                  out[#out + 1] = f[2]
                  out[#out + 1] = f[4]
                  out[#out + 1] = f[6] or false
                  found = found + 1
                end
                cursor = id
                budget = budget - 1
                if found >= limit then break end
              end
            end
            if found < limit and cursor < rev and budget <= 0 then out[3] = cursor end
            return out
            """);

    private Scripts() {
    }

    /** A script and its SHA-1, for EVALSHA (falling back to EVAL when the server does not know it yet). */
    static final class Script {
        final byte[] body;
        final byte[] sha;

        Script(String text) {
            this.body = text.getBytes(StandardCharsets.UTF_8);
            try {
                this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body))
                        .getBytes(StandardCharsets.US_ASCII);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
