// A dataset row's country → ISO 3166-1 alpha-3, so that `country:BGD` finds imported incidents.
// Names go through i18n-iso-countries with only its English names registered (aliases included).
import { createRequire } from 'node:module';
import type * as Countries from 'i18n-iso-countries';

const require = createRequire(import.meta.url);
const countries: typeof Countries = require('i18n-iso-countries/index.js');
countries.registerLocale(require('i18n-iso-countries/langs/en.json'));

/**
 * Gleditsch–Ward state number → alpha-3 for the states on Gleditsch & Ward's list of independent
 * states (and microstates) that exist today, from ksgmdw.txt / microstatessystem.txt
 * (http://ksgleditsch.com/statelist.html). States since dissolved into several (315 Czechoslovakia,
 * 265 GDR, 680 South Yemen, 817 South Vietnam) have none.
 */
const GW_TABLE = `
2 USA 20 CAN 31 BHS 40 CUB 41 HTI 42 DOM 51 JAM 52 TTO 53 BRB 54 DMA 55 GRD 56 LCA 57 VCT
58 ATG 60 KNA 70 MEX 80 BLZ 90 GTM 91 HND 92 SLV 93 NIC 94 CRI 95 PAN 100 COL 101 VEN
110 GUY 115 SUR 130 ECU 135 PER 140 BRA 145 BOL 150 PRY 155 CHL 160 ARG 165 URY 200 GBR
205 IRL 210 NLD 211 BEL 212 LUX 220 FRA 221 MCO 223 LIE 225 CHE 230 ESP 232 AND 235 PRT
260 DEU 290 POL 305 AUT 310 HUN 316 CZE 317 SVK 325 ITA 331 SMR 338 MLT 339 ALB 341 MNE
343 MKD 344 HRV 340 SRB 346 BIH 349 SVN 350 GRC 352 CYP 355 BGR 359 MDA 360 ROU 366 EST
367 LVA 368 LTU 369 UKR 370 BLR 371 ARM 372 GEO 373 AZE 375 FIN 380 SWE 385 NOR 390 DNK
395 ISL 402 CPV 403 STP 404 GNB 411 GNQ 420 GMB 432 MLI 433 SEN 434 BEN 435 MRT 436 NER
437 CIV 438 GIN 439 BFA 450 LBR 451 SLE 452 GHA 461 TGO 471 CMR 475 NGA 481 GAB 482 CAF
483 TCD 484 COG 490 COD 500 UGA 501 KEN 510 TZA 516 BDI 517 RWA 520 SOM 522 DJI 530 ETH
531 ERI 540 AGO 541 MOZ 551 ZMB 552 ZWE 553 MWI 560 ZAF 565 NAM 570 LSO 571 BWA 572 SWZ
580 MDG 581 COM 590 MUS 591 SYC 600 MAR 615 DZA 616 TUN 620 LBY 625 SDN 626 SSD 630 IRN
640 TUR 645 IRQ 651 EGY 652 SYR 660 LBN 663 JOR 666 ISR 670 SAU 678 YEM 690 KWT 692 BHR
694 QAT 696 ARE 698 OMN 700 AFG 701 TKM 702 TJK 703 KGZ 704 UZB 705 KAZ 710 CHN 712 MNG
713 TWN 731 PRK 732 KOR 740 JPN 750 IND 760 BTN 770 PAK 771 BGD 775 MMR 780 LKA 781 MDV
790 NPL 800 THA 811 KHM 812 LAO 816 VNM 820 MYS 830 SGP 835 BRN 840 PHL 850 IDN 860 TLS
900 AUS 910 PNG 920 NZL 935 VUT 940 SLB 946 KIR 947 TUV 950 FJI 955 TON 970 NRU 983 MHL
986 PLW 987 FSM 990 WSM`;

const GW_ISO3 = new Map<string, string>(
  GW_TABLE.trim()
    .split(/\s+/)
    .flatMap((word, i, all) => (i % 2 === 0 ? [[word, all[i + 1] ?? ''] as const] : [])),
);

/**
 * Numbers that stood for a state which later split: only from the date the number names one of
 * today's countries (365 was the Soviet Union until it dissolved; 345 Yugoslavia, then Serbia and
 * Montenegro, until Montenegro left).
 */
const GW_FROM = new Map([
  ['365', { iso3: 'RUS', from: '1991-12-26' }],
  ['345', { iso3: 'SRB', from: '2006-06-05' }],
]);

export interface CountryCodes {
  /** The file's own alpha-3 column. */
  iso3?: string;
  /** ISO 3166-1 numeric (ACLED's `iso`). */
  numeric?: string;
  name?: string;
  /** Gleditsch–Ward state number of the country where the event happened (UCDP's `country_id`). */
  gw?: string;
  /** The event's date (YYYY-MM-DD), for numbers that changed meaning. */
  date?: string;
}

/** The first of: the file's alpha-3, its numeric code, the English name, the GW number; '' when none. */
export function countryIso3(codes: CountryCodes): string {
  const own = codes.iso3?.trim().toUpperCase() ?? '';
  if (/^[A-Z]{3}$/.test(own)) return own;
  const numeric = codes.numeric?.trim() ?? '';
  if (/^\d{1,3}$/.test(numeric) && Number(numeric) > 0) {
    const code = countries.numericToAlpha3(numeric);
    if (code) return code;
  }
  const name = codes.name?.trim() ?? '';
  if (name !== '') {
    const code = countries.getAlpha3Code(name, 'en');
    if (code) return code;
  }
  return gwIso3(codes.gw?.trim() ?? '', codes.date);
}

function gwIso3(gw: string, date: string | undefined): string {
  const dated = GW_FROM.get(gw);
  if (dated) return date !== undefined && date >= dated.from ? dated.iso3 : '';
  return GW_ISO3.get(gw) ?? '';
}
