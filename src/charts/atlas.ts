// Country outlines from Natural Earth (world-atlas, 1:50m), and which outline a country in the data is.
// Natural Earth names differ from the datasets' ("Dem. Rep. Congo", "S. Sudan"), so a country is found
// by its ISO 3166 code where the data gives one (world-atlas ids are ISO numeric codes), then by name.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { foldKey } from '../incidents/text.ts';

export type CountryFeature = Feature<Geometry, { name: string }> & { id?: string };

/** ISO 3166-1 alpha-3 → numeric, for every country world-atlas has an id for. */
const ISO_NUMERIC = Object.fromEntries(
  (
    'AFG004 ALB008 ATA010 DZA012 ASM016 AND020 AGO024 ATG028 AZE031 ARG032 AUS036 AUT040 BHS044 BHR048 ' +
    'BGD050 ARM051 BRB052 BEL056 BMU060 BTN064 BOL068 BIH070 BWA072 BRA076 BLZ084 IOT086 SLB090 VGB092 ' +
    'BRN096 BGR100 MMR104 BDI108 BLR112 KHM116 CMR120 CAN124 CPV132 CYM136 CAF140 LKA144 TCD148 CHL152 ' +
    'CHN156 TWN158 COL170 COM174 COG178 COD180 COK184 CRI188 HRV191 CUB192 CYP196 CZE203 BEN204 DNK208 ' +
    'DMA212 DOM214 ECU218 SLV222 GNQ226 ETH231 ERI232 EST233 FRO234 FLK238 SGS239 FJI242 FIN246 ALA248 ' +
    'FRA250 PYF258 ATF260 DJI262 GAB266 GEO268 GMB270 PSE275 DEU276 GHA288 KIR296 GRC300 GRL304 GRD308 ' +
    'GUM316 GTM320 GIN324 GUY328 HTI332 HMD334 VAT336 HND340 HKG344 HUN348 ISL352 IND356 IDN360 IRN364 ' +
    'IRQ368 IRL372 ISR376 ITA380 CIV384 JAM388 JPN392 KAZ398 JOR400 KEN404 PRK408 KOR410 KWT414 KGZ417 ' +
    'LAO418 LBN422 LSO426 LVA428 LBR430 LBY434 LIE438 LTU440 LUX442 MAC446 MDG450 MWI454 MYS458 MDV462 ' +
    'MLI466 MLT470 MRT478 MUS480 MEX484 MCO492 MNG496 MDA498 MNE499 MSR500 MAR504 MOZ508 OMN512 NAM516 ' +
    'NRU520 NPL524 NLD528 CUW531 ABW533 SXM534 NCL540 VUT548 NZL554 NIC558 NER562 NGA566 NIU570 NFK574 ' +
    'NOR578 MNP580 FSM583 MHL584 PLW585 PAK586 PAN591 PNG598 PRY600 PER604 PHL608 PCN612 POL616 PRT620 ' +
    'GNB624 TLS626 PRI630 QAT634 ROU642 RUS643 RWA646 BLM652 SHN654 KNA659 AIA660 LCA662 MAF663 SPM666 ' +
    'VCT670 SMR674 STP678 SAU682 SEN686 SRB688 SYC690 SLE694 SGP702 SVK703 VNM704 SVN705 SOM706 ZAF710 ' +
    'ZWE716 ESP724 SSD728 SDN729 ESH732 SUR740 SWZ748 SWE752 CHE756 SYR760 TJK762 THA764 TGO768 TON776 ' +
    'TTO780 ARE784 TUN788 TUR792 TKM795 TCA796 UGA800 UKR804 MKD807 EGY818 GBR826 GGY831 JEY832 IMN833 ' +
    'TZA834 USA840 VIR850 BFA854 URY858 UZB860 VEN862 WLF876 WSM882 YEM887 ZMB894'
  )
    .split(' ')
    .map((entry) => [entry.slice(0, 3), entry.slice(3)]),
);

/** Names the datasets use (folded) → Natural Earth's name, where they differ beyond case and accents. */
const ALIASES: Record<string, string> = {
  burma: 'Myanmar',
  'syrian arab republic': 'Syria',
  'russian federation': 'Russia',
  'soviet union': 'Russia',
  'united states': 'United States of America',
  usa: 'United States of America',
  'democratic republic of congo': 'Dem. Rep. Congo',
  'democratic republic of the congo': 'Dem. Rep. Congo',
  'dr congo': 'Dem. Rep. Congo',
  drc: 'Dem. Rep. Congo',
  'congo, dem. rep.': 'Dem. Rep. Congo',
  'republic of congo': 'Congo',
  'republic of the congo': 'Congo',
  'congo, rep.': 'Congo',
  'south sudan': 'S. Sudan',
  'central african republic': 'Central African Rep.',
  'ivory coast': "Côte d'Ivoire",
  'bosnia and herzegovina': 'Bosnia and Herz.',
  'bosnia-herzegovina': 'Bosnia and Herz.',
  'north macedonia': 'Macedonia',
  'czech republic': 'Czechia',
  turkiye: 'Turkey',
  'dominican republic': 'Dominican Rep.',
  'equatorial guinea': 'Eq. Guinea',
  'western sahara': 'W. Sahara',
  'cape verde': 'Cabo Verde',
  'east timor': 'Timor-Leste',
  swaziland: 'eSwatini',
  'kingdom of eswatini': 'eSwatini',
  'viet nam': 'Vietnam',
  'lao pdr': 'Laos',
  "lao people's democratic republic": 'Laos',
  'iran (islamic republic of)': 'Iran',
  'islamic republic of iran': 'Iran',
  "democratic people's republic of korea": 'North Korea',
  'republic of korea': 'South Korea',
  'occupied palestinian territory': 'Palestine',
  'palestinian territories': 'Palestine',
  'state of palestine': 'Palestine',
  'united republic of tanzania': 'Tanzania',
  'republic of moldova': 'Moldova',
  'solomon islands': 'Solomon Is.',
  'falkland islands': 'Falkland Is.',
  'northern cyprus': 'N. Cyprus',
  zaire: 'Dem. Rep. Congo',
  kampuchea: 'Cambodia',
  yugoslavia: 'Serbia',
  rhodesia: 'Zimbabwe',
};

interface Atlas {
  countries: CountryFeature[];
  byId: Map<string, CountryFeature[]>;
  byName: Map<string, CountryFeature[]>;
}

let atlas: Atlas | undefined;

/** The 1:50m countries, read once per process (about 0.75 MB of TopoJSON). */
export function loadAtlas(): Atlas {
  if (atlas !== undefined) return atlas;
  const require = createRequire(import.meta.url);
  const topology = JSON.parse(
    readFileSync(require.resolve('world-atlas/countries-50m.json'), 'utf8'),
  ) as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const collection = feature(topology, topology.objects.countries) as FeatureCollection<
    Geometry,
    { name: string }
  >;
  const countries = collection.features as CountryFeature[];
  const byId = new Map<string, CountryFeature[]>();
  const byName = new Map<string, CountryFeature[]>();
  const add = (map: Map<string, CountryFeature[]>, key: string, country: CountryFeature) => {
    const list = map.get(key);
    if (list) list.push(country);
    else map.set(key, [country]);
  };
  for (const country of countries) {
    if (country.id !== undefined) add(byId, String(country.id), country);
    add(byName, foldKey(country.properties.name), country);
  }
  atlas = { countries, byId, byName };
  return atlas;
}

/**
 * The outline(s) of a country named `name` (ISO3 `iso3` if known): by ISO code, else by name with case,
 * accents and a trailing "(…)" ignored ("Myanmar (Burma)", "Yemen (North Yemen)"), else by alias.
 * Empty when Natural Earth has no such country.
 */
export function findCountryOutline(name: string, iso3: string | undefined): CountryFeature[] {
  const { byId, byName } = loadAtlas();
  const numeric = iso3 === undefined ? undefined : ISO_NUMERIC[iso3.toUpperCase()];
  const byCode = numeric === undefined ? undefined : byId.get(numeric);
  if (byCode) return byCode;
  const folded = foldKey(name);
  const bare = folded.replace(/\s*\([^)]*\)\s*$/, '');
  for (const key of new Set([folded, bare])) {
    const direct = byName.get(key);
    if (direct) return direct;
    const alias = ALIASES[key];
    const aliased = alias === undefined ? undefined : byName.get(foldKey(alias));
    if (aliased) return aliased;
  }
  // "Yemen (North Yemen)" → also try what is inside the parentheses.
  const inner = /\(([^)]*)\)\s*$/.exec(folded)?.[1];
  if (inner !== undefined) return byName.get(inner) ?? byName.get(foldKey(ALIASES[inner] ?? '')) ?? [];
  return [];
}
