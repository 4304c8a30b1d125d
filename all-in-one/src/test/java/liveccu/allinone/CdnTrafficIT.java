package liveccu.allinone;

import static liveccu.allinone.CdnResults.traffic;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import liveccu.model.CdnTraffic;
import liveccu.ops.config.Env;
import liveccu.testsupport.Eventually;
import liveccu.testsupport.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /cdn} over the real path from the results topics on: CDN figures written to ccu.cdn-minutes
 * and ccu.cdn-hours as the aggregator writes them (a newer record of a key replacing an older one), a
 * real broker, the query API following both topics, and its answers — minutes, hours and days, the
 * default interval, filters, traffic per PoP, JSON and CSV — exact.
 */
class CdnTrafficIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VOD = "vod-zone";
    private static final String MEDIA = "media.example.com";

    @TempDir
    static Path dataDir;
    static LocalSystem system;
    static String account;
    /** The last full hour, its UTC day, and an hour of two days before, epoch ms. */
    static long hour;
    static long day;
    static long earlierHour;

    @BeforeAll
    static void startSystemAndWriteFigures() throws Exception {
        system = LocalSystem.start(new Env(Viewers.testEnv(dataDir)));
        account = "cdn-" + UUID.randomUUID().toString().substring(0, 8);
        hour = System.currentTimeMillis() / CdnTraffic.HOUR_MS * CdnTraffic.HOUR_MS - CdnTraffic.HOUR_MS;
        day = hour / 86_400_000 * 86_400_000;
        earlierHour = day - 2 * 86_400_000 + 8 * CdnTraffic.HOUR_MS;
        long m5 = hour + 5 * CdnTraffic.MINUTE_MS;
        long m6 = hour + 6 * CdnTraffic.MINUTE_MS;
        long minute = CdnTraffic.MINUTE_MS;
        long anHour = CdnTraffic.HOUR_MS;
        CdnResults.write(system.broker().orElseThrow().bootstrapServers(), List.of(
                // minutes; FRA's first as it stood earlier in the minute, then its totals
                traffic(account, minute, m5, VOD, MEDIA, "FRA", "ep-1", 3, 3_000, 3, 0, 0, 3, 0, 0, 0),
                traffic(account, minute, m5, VOD, MEDIA, "FRA", "ep-1", 10, 700_000, 6, 3, 0, 8, 0, 1, 1),
                traffic(account, minute, m5, VOD, MEDIA, "AMS", "ep-1", 4, 200_000, 4, 0, 0, 4, 0, 0, 0),
                traffic(account, minute, m6, "live-zone", "live.example.com", "FRA", null, 6, 60_000, 0, 2, 0, 5, 1, 0, 0),
                // the same hour's totals, FRA's also replacing an earlier record
                traffic(account, anHour, hour, VOD, MEDIA, "FRA", "ep-1", 3, 3_000, 3, 0, 0, 3, 0, 0, 0),
                traffic(account, anHour, hour, VOD, MEDIA, "FRA", "ep-1", 10, 700_000, 6, 3, 0, 8, 0, 1, 1),
                traffic(account, anHour, hour, VOD, MEDIA, "AMS", "ep-1", 4, 200_000, 4, 0, 0, 4, 0, 0, 0),
                traffic(account, anHour, hour, "live-zone", "live.example.com", "FRA", null, 6, 60_000, 0, 2, 0, 5, 1, 0, 0),
                // an hour two days before, and another account's hour
                traffic(account, anHour, earlierHour, VOD, MEDIA, "FRA", "ep-2", 50, 5_000_000, 40, 10, 0, 45, 0, 0, 5),
                traffic("other-" + account, anHour, hour, VOD, MEDIA, "FRA", "ep-1", 7, 7_000, 7, 0, 0, 7, 0, 0, 0)));
    }

    @AfterAll
    static void stopSystem() {
        system.close();
    }

    @Test
    void minutesOfTheHourWithTheNewestRecordOfEachKey() {
        String rows = """
                [{"time":"%s","requests":14,"bytes":900000,"hits":10,"misses":3,"other":1,"hit_ratio":0.7692,
                  "errors":1,"status_1xx":0,"status_2xx":12,"status_3xx":0,"status_4xx":1,"status_5xx":1},
                 {"time":"%s","requests":6,"bytes":60000,"hits":0,"misses":2,"other":4,"hit_ratio":0.0,
                  "errors":0,"status_1xx":0,"status_2xx":5,"status_3xx":1,"status_4xx":0,"status_5xx":0}]"""
                .formatted(ApiAnswers.iso(hour + 5 * CdnTraffic.MINUTE_MS), ApiAnswers.iso(hour + 6 * CdnTraffic.MINUTE_MS));
        ApiAnswers.await(system.apiPort(), range(hour, hour + CdnTraffic.HOUR_MS) + "&interval=minute", rows);
        // an hour's range in the last day: minutes by default
        ApiAnswers.await(system.apiPort(), range(hour, hour + CdnTraffic.HOUR_MS), rows);
    }

    @Test
    void hoursAndDaysSumTheHoursTopic() {
        String theHour = """
                "requests":20,"bytes":960000,"hits":10,"misses":5,"other":5,"hit_ratio":0.6667,
                "errors":1,"status_1xx":0,"status_2xx":17,"status_3xx":1,"status_4xx":1,"status_5xx":1""";
        String earlier = """
                "requests":50,"bytes":5000000,"hits":40,"misses":10,"other":0,"hit_ratio":0.8,
                "errors":5,"status_1xx":0,"status_2xx":45,"status_3xx":0,"status_4xx":0,"status_5xx":5""";
        ApiAnswers.await(system.apiPort(), range(hour, hour + CdnTraffic.HOUR_MS) + "&interval=hour", "[{\"time\":\"%s\",%s}]".formatted(ApiAnswers.iso(hour), theHour));
        String hours = "[{\"time\":\"%s\",%s},{\"time\":\"%s\",%s}]".formatted(ApiAnswers.iso(earlierHour), earlier, ApiAnswers.iso(hour), theHour);
        String days = "[{\"time\":\"%s\",%s},{\"time\":\"%s\",%s}]".formatted(ApiAnswers.iso(day - 2 * 86_400_000), earlier, ApiAnswers.iso(day), theHour);
        long from = day - 2 * 86_400_000;
        ApiAnswers.await(system.apiPort(), range(from, day + 86_400_000) + "&interval=hour", hours);
        ApiAnswers.await(system.apiPort(), range(from, day + 86_400_000), hours);                       // three days: hours by default
        ApiAnswers.await(system.apiPort(), range(from, day + 86_400_000) + "&interval=day", days);
        ApiAnswers.await(system.apiPort(), range(day - 7 * 86_400_000, day + 86_400_000), days);        // eight days: days by default
    }

    @Test
    void trafficPerPopOverTheDay() {
        ApiAnswers.await(system.apiPort(), range(day, day + 86_400_000) + "&interval=day&group_by=pop", """
                [{"time":"%1$s","pop":"AMS","requests":4,"bytes":200000,"hits":4,"misses":0,"other":0,"hit_ratio":1.0,
                  "errors":0,"status_1xx":0,"status_2xx":4,"status_3xx":0,"status_4xx":0,"status_5xx":0},
                 {"time":"%1$s","pop":"FRA","requests":16,"bytes":760000,"hits":6,"misses":5,"other":5,"hit_ratio":0.5455,
                  "errors":1,"status_1xx":0,"status_2xx":13,"status_3xx":1,"status_4xx":1,"status_5xx":1}]""".formatted(ApiAnswers.iso(day)));
    }

    @Test
    void filtersAndCsv() {
        ApiAnswers.await(system.apiPort(), range(hour, hour + CdnTraffic.HOUR_MS) + "&interval=hour&zone=" + VOD + "&host=" + MEDIA + "&contentid=ep-1", """
                [{"time":"%s","requests":14,"bytes":900000,"hits":10,"misses":3,"other":1,"hit_ratio":0.7692,
                  "errors":1,"status_1xx":0,"status_2xx":12,"status_3xx":0,"status_4xx":1,"status_5xx":1}]""".formatted(ApiAnswers.iso(hour)));
        String query = range(hour, hour + CdnTraffic.HOUR_MS) + "&interval=hour&group_by=content&format=csv";
        String csv = """
                time,content_id,requests,bytes,hits,misses,other,hit_ratio,errors,status_1xx,status_2xx,status_3xx,status_4xx,status_5xx
                %1$s,,6,60000,0,2,4,0.0,0,0,5,1,0,0
                %1$s,ep-1,14,900000,10,3,1,0.7692,1,0,12,0,1,1
                """.formatted(ApiAnswers.iso(hour));
        Http.Reply reply = Eventually.await(WAIT, query + " = " + csv, () -> get(query), r -> r.body().equals(csv));
        assertEquals(200, reply.status());
    }

    private static String range(long fromMs, long toMs) {
        return "/cdn?accountid=" + account + "&from=" + fromMs / 1000 + "&to=" + toMs / 1000;
    }

    private static Http.Reply get(String query) {
        return Http.get(system.apiPort(), query, "x-api-key", Viewers.API_KEY);
    }
}
