// Places for generated incidents: countries with ISO3 codes, first- and second-level divisions,
// towns and approximate coordinates, weighted roughly like a conflict dataset (a few countries hold
// most events). Spellings include accents and apostrophes, as real exports do.

export interface Admin1 {
  name: string;
  lat: number;
  lon: number;
  admin2: readonly string[];
  places: readonly string[];
}

export interface CountryPlaces {
  name: string;
  iso3: string;
  weight: number;
  /** Government forces, as ACLED names them. */
  state: string;
  /** Armed groups active in the country. */
  groups: readonly string[];
  /** Outlets based in the country, with their affiliation where it matters. */
  outlets: readonly (readonly [string, string | undefined])[];
  admin1: readonly Admin1[];
}

const a = (
  name: string,
  lat: number,
  lon: number,
  admin2: readonly string[],
  places: readonly string[],
): Admin1 => ({ name, lat, lon, admin2, places });

export const COUNTRIES: readonly CountryPlaces[] = [
  {
    name: 'Syria',
    iso3: 'SYR',
    weight: 18,
    state: 'Military Forces of Syria',
    groups: [
      'Hayat Tahrir al-Sham',
      'Syrian Democratic Forces',
      'Islamic State (Syria)',
      'Syrian National Army',
      'Military Forces of Russia',
      'Military Forces of Turkey',
    ],
    outlets: [
      ['SANA (Syrian Arab News Agency)', 'state news agency (Syria)'],
      ['Syrian Observatory for Human Rights', 'monitoring group (UK-based)'],
      ['Enab Baladi', 'independent (opposition-leaning)'],
    ],
    admin1: [
      a(
        'Aleppo',
        36.2,
        37.15,
        ['Jebel Saman', 'Azaz', 'Al Bab', 'Manbij'],
        ['Aleppo', 'Azaz', 'Al Bab', 'Manbij', 'Atarib', 'Tal Rifaat'],
      ),
      a(
        'Idlib',
        35.93,
        36.63,
        ['Idlib', 'Harim', 'Jisr al-Shughur', 'Ariha'],
        ['Idlib', 'Saraqib', 'Maarat al-Numan', 'Sarmada', 'Ariha', 'Jisr al-Shughur'],
      ),
      a(
        'Rural Damascus',
        33.5,
        36.6,
        ['Duma', 'Qatana', 'Al Tall'],
        ['Duma', 'Harasta', 'Zamalka', 'Arbin', 'Qudsaya'],
      ),
      a(
        'Homs',
        34.73,
        36.72,
        ['Homs', 'Al Rastan', 'Tadmor'],
        ['Homs', 'Al Rastan', 'Talbiseh', 'Palmyra', 'Al Qusayr'],
      ),
      a(
        'Hama',
        35.13,
        36.75,
        ['Hama', 'As-Suqaylabiyah', 'Muhradah'],
        ['Hama', 'Kafr Zita', 'Latamneh', 'Suqaylabiyah'],
      ),
      a(
        'Deir ez-Zor',
        35.33,
        40.14,
        ['Deir ez-Zor', 'Al Mayadin', 'Abu Kamal'],
        ['Deir ez-Zor', 'Al Mayadin', 'Abu Kamal', 'Hajin'],
      ),
      a('Raqqa', 35.95, 39.01, ['Raqqa', 'Tell Abiad'], ['Raqqa', 'Tabqa', 'Tell Abiad', 'Ain Issa']),
      a(
        'Al-Hasakah',
        36.5,
        40.75,
        ['Al-Hasakah', 'Qamishli', 'Ras al-Ain'],
        ['Al-Hasakah', 'Qamishli', 'Ras al-Ain', 'Al-Hol'],
      ),
      a('Daraa', 32.62, 36.1, ['Daraa', 'Izra', 'As-Sanamayn'], ['Daraa', 'Nawa', 'Tafas', 'Busra al-Sham']),
    ],
  },
  {
    name: 'Ukraine',
    iso3: 'UKR',
    weight: 16,
    state: 'Military Forces of Ukraine',
    groups: ['Military Forces of Russia', 'Wagner Group', 'Donetsk People’s Republic forces'],
    outlets: [
      ['Ukrinform', 'state news agency (Ukraine)'],
      ['TASS', 'state news agency (Russia)'],
      ['Kyiv Independent', undefined],
    ],
    admin1: [
      a(
        'Donetsk',
        48.0,
        37.8,
        ['Bakhmut', 'Pokrovsk', 'Kramatorsk', 'Volnovakha'],
        ['Bakhmut', 'Avdiivka', 'Pokrovsk', 'Kramatorsk', 'Sloviansk', 'Vuhledar', 'Chasiv Yar'],
      ),
      a(
        'Kharkiv',
        49.99,
        36.23,
        ['Kharkiv', 'Kupiansk', 'Izium', 'Chuhuiv'],
        ['Kharkiv', 'Kupiansk', 'Izium', 'Vovchansk', 'Balakliia'],
      ),
      a(
        'Zaporizhzhia',
        47.84,
        35.14,
        ['Zaporizhzhia', 'Polohy', 'Vasylivka'],
        ['Zaporizhzhia', 'Orikhiv', 'Huliaipole', 'Robotyne', 'Enerhodar'],
      ),
      a(
        'Kherson',
        46.64,
        32.62,
        ['Kherson', 'Beryslav', 'Kakhovka'],
        ['Kherson', 'Beryslav', 'Nova Kakhovka', 'Antonivka'],
      ),
      a(
        'Luhansk',
        48.57,
        39.31,
        ['Sievierodonetsk', 'Svatove'],
        ['Sievierodonetsk', 'Lysychansk', 'Kreminna', 'Svatove'],
      ),
      a(
        'Sumy',
        50.91,
        34.8,
        ['Sumy', 'Shostka', 'Okhtyrka'],
        ['Sumy', 'Okhtyrka', 'Bilopillia', 'Krasnopillia'],
      ),
      a('Kyiv City', 50.45, 30.52, ['Kyiv'], ['Kyiv']),
      a('Odesa', 46.48, 30.72, ['Odesa', 'Izmail'], ['Odesa', 'Izmail', 'Chornomorsk']),
    ],
  },
  {
    name: 'Yemen',
    iso3: 'YEM',
    weight: 8,
    state: 'Military Forces of Yemen',
    groups: [
      'Ansar Allah (Houthis)',
      'Southern Transitional Council',
      'Al-Qaeda in the Arabian Peninsula',
      'Saudi-led coalition',
    ],
    outlets: [
      ['Saba News Agency', 'state news agency (Yemen, Houthi-run)'],
      ['Al Masirah', 'Houthi-affiliated'],
    ],
    admin1: [
      a('Taizz', 13.58, 44.02, ['Al Qahirah', 'Salah', 'Al Mudhaffar'], ['Taizz', 'Al Mokha', 'Hayfan']),
      a(
        'Al Hudaydah',
        14.8,
        42.95,
        ['Al Hawak', 'Ad Durayhimi', 'Hays'],
        ['Hodeidah', 'Ad Durayhimi', 'Hays', 'Zabid'],
      ),
      a('Marib', 15.46, 45.32, ['Marib City', 'Sirwah'], ['Marib', 'Sirwah', 'Raghwan']),
      a('Sanaa', 15.35, 44.2, ['Old City', 'Bani Al Harith'], ['Sanaa', 'Bani Hushaysh']),
      a('Saada', 16.94, 43.76, ['Saada', 'Razih', 'Shada'], ['Saada', 'Razih', 'Shada', 'Baqim']),
      a('Aden', 12.79, 45.03, ['Crater', 'Al Mansura', 'Dar Saad'], ['Aden', 'Dar Saad', 'Khor Maksar']),
    ],
  },
  {
    name: 'Sudan',
    iso3: 'SDN',
    weight: 7,
    state: 'Military Forces of Sudan',
    groups: ['Rapid Support Forces', 'Sudan Liberation Movement', 'SPLM-North'],
    outlets: [
      ['SUNA (Sudan News Agency)', 'state news agency (Sudan)'],
      ['Radio Dabanga', 'independent (Netherlands-based)'],
      ['Sudan Tribune', undefined],
    ],
    admin1: [
      a(
        'Khartoum',
        15.55,
        32.53,
        ['Khartoum', 'Omdurman', 'Bahri'],
        ['Khartoum', 'Omdurman', 'Bahri', 'Soba'],
      ),
      a(
        'North Darfur',
        13.63,
        25.35,
        ['El Fasher', 'Kutum', 'Tawila'],
        ['El Fasher', 'Kutum', 'Tawila', 'Zamzam camp'],
      ),
      a('West Darfur', 13.45, 22.45, ['El Geneina', 'Kereneik'], ['El Geneina', 'Kereneik', 'Misterei']),
      a('South Kordofan', 11.0, 29.7, ['Kadugli', 'Dilling'], ['Kadugli', 'Dilling', 'Talodi']),
      a('Al Jazirah', 14.4, 33.52, ['Wad Madani', 'Al Hasahisa'], ['Wad Madani', 'Al Hasahisa', 'Rufaa']),
    ],
  },
  {
    name: 'Iraq',
    iso3: 'IRQ',
    weight: 5,
    state: 'Military Forces of Iraq',
    groups: [
      'Islamic State (Iraq)',
      'Popular Mobilization Forces',
      'Kurdistan Workers Party (PKK)',
      'Military Forces of Turkey',
    ],
    outlets: [
      ['Iraqi News Agency', 'state news agency (Iraq)'],
      ['Rudaw', 'KDP-affiliated (Kurdistan Region)'],
      ['Shafaq News', undefined],
    ],
    admin1: [
      a(
        'Nineveh',
        36.34,
        43.13,
        ['Mosul', 'Sinjar', 'Tel Afar'],
        ['Mosul', 'Sinjar', 'Tel Afar', 'Qayyarah'],
      ),
      a('Al Anbar', 33.42, 43.3, ['Ramadi', 'Fallujah', 'Al Qaim'], ['Ramadi', 'Fallujah', 'Al Qaim', 'Hit']),
      a('Kirkuk', 35.47, 44.39, ['Kirkuk', 'Hawija', 'Daquq'], ['Kirkuk', 'Hawija', 'Daquq']),
      a(
        'Salah al-Din',
        34.6,
        43.68,
        ['Tikrit', 'Samarra', 'Baiji'],
        ['Tikrit', 'Samarra', 'Baiji', 'Tuz Khurmatu'],
      ),
      a('Diyala', 33.75, 44.6, ['Baqubah', 'Khanaqin', 'Muqdadiyah'], ['Baqubah', 'Khanaqin', 'Muqdadiyah']),
      a('Baghdad', 33.31, 44.36, ['Karkh', 'Rusafa', 'Abu Ghraib'], ['Baghdad', 'Abu Ghraib', 'Tarmiyah']),
    ],
  },
  {
    name: 'Somalia',
    iso3: 'SOM',
    weight: 5,
    state: 'Military Forces of Somalia',
    groups: ['Al Shabaab', 'Islamic State (Somalia)', 'Clan militia'],
    outlets: [
      ['SONNA (Somali National News Agency)', 'state news agency (Somalia)'],
      ['Garowe Online', undefined],
      ['Radio Dalsan', undefined],
    ],
    admin1: [
      a(
        'Banadir',
        2.04,
        45.34,
        ['Mogadishu', 'Hodan', 'Wadajir'],
        ['Mogadishu', 'Hodan', 'Wadajir', 'Afgooye road'],
      ),
      a(
        'Lower Shabelle',
        1.88,
        44.25,
        ['Marka', 'Afgooye', 'Baraawe'],
        ['Marka', 'Afgooye', 'Baraawe', 'Wanlaweyn'],
      ),
      a('Middle Shabelle', 2.78, 45.5, ['Jowhar', 'Balcad'], ['Jowhar', 'Balcad', 'Adan Yabaal']),
      a('Hiraan', 4.74, 45.2, ['Beledweyne', 'Bulo Burto'], ['Beledweyne', 'Bulo Burto', 'Mataban']),
      a('Bay', 3.12, 43.65, ['Baidoa', 'Burhakaba'], ['Baidoa', 'Burhakaba', 'Diinsoor']),
    ],
  },
  {
    name: 'Mali',
    iso3: 'MLI',
    weight: 4,
    state: 'Military Forces of Mali',
    groups: [
      'JNIM: Group for Support of Islam and Muslims',
      'Islamic State (Sahel)',
      'Wagner Group',
      'Permanent Strategic Framework',
    ],
    outlets: [
      ['ORTM', 'state broadcaster (Mali)'],
      ['RFI', 'state-funded (France)'],
    ],
    admin1: [
      a(
        'Mopti',
        14.49,
        -4.18,
        ['Mopti', 'Bandiagara', 'Djenné'],
        ['Mopti', 'Bandiagara', 'Djenné', 'Sévaré', 'Moura'],
      ),
      a('Ségou', 13.43, -6.26, ['Ségou', 'Niono', 'Macina'], ['Ségou', 'Niono', 'Macina', 'Diabaly']),
      a('Gao', 16.27, -0.04, ['Gao', 'Ansongo', 'Bourem'], ['Gao', 'Ansongo', 'Bourem', 'Tessit']),
      a('Timbuktu', 16.77, -3.0, ['Timbuktu', 'Goundam', 'Niafunké'], ['Timbuktu', 'Goundam', 'Léré', 'Ber']),
      a('Kidal', 18.44, 1.41, ['Kidal', 'Tessalit'], ['Kidal', 'Tessalit', 'Aguelhok']),
    ],
  },
  {
    name: 'Burkina Faso',
    iso3: 'BFA',
    weight: 4,
    state: 'Military Forces of Burkina Faso',
    groups: [
      'JNIM: Group for Support of Islam and Muslims',
      'Islamic State (Sahel)',
      'Volunteers for the Defense of the Homeland',
    ],
    outlets: [
      ['AIB (Agence d’Information du Burkina)', 'state news agency (Burkina Faso)'],
      ['Lefaso.net', undefined],
    ],
    admin1: [
      a('Sahel', 14.03, -0.03, ['Soum', 'Oudalan', 'Séno'], ['Djibo', 'Gorom-Gorom', 'Dori', 'Arbinda']),
      a('Est', 12.06, 0.35, ['Gourma', 'Komondjari', 'Tapoa'], ['Fada N’Gourma', 'Gayéri', 'Diapaga']),
      a('Centre-Nord', 13.09, -1.08, ['Sanmatenga', 'Bam'], ['Kaya', 'Kongoussi', 'Barsalogho']),
      a('Boucle du Mouhoun', 12.46, -3.46, ['Mouhoun', 'Kossi'], ['Dédougou', 'Nouna', 'Solenzo']),
    ],
  },
  {
    name: 'Nigeria',
    iso3: 'NGA',
    weight: 5,
    state: 'Military Forces of Nigeria',
    groups: [
      'Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad',
      'Islamic State West Africa Province',
      'Bandits',
      'Fulani ethnic militia',
    ],
    outlets: [
      ['News Agency of Nigeria', 'state news agency (Nigeria)'],
      ['Premium Times', undefined],
      ['Daily Trust', undefined],
    ],
    admin1: [
      a(
        'Borno',
        11.83,
        13.15,
        ['Maiduguri', 'Bama', 'Gwoza', 'Monguno'],
        ['Maiduguri', 'Bama', 'Gwoza', 'Monguno', 'Dikwa'],
      ),
      a('Zamfara', 12.17, 6.25, ['Gusau', 'Maru', 'Tsafe'], ['Gusau', 'Maru', 'Tsafe', 'Anka']),
      a(
        'Kaduna',
        10.52,
        7.44,
        ['Kaduna North', 'Kajuru', 'Birnin Gwari'],
        ['Kaduna', 'Kajuru', 'Birnin Gwari'],
      ),
      a('Plateau', 9.9, 8.86, ['Jos North', 'Bokkos', 'Mangu'], ['Jos', 'Bokkos', 'Mangu', 'Barkin Ladi']),
      a('Benue', 7.73, 8.53, ['Makurdi', 'Guma', 'Agatu'], ['Makurdi', 'Guma', 'Agatu']),
    ],
  },
  {
    name: 'Democratic Republic of Congo',
    iso3: 'COD',
    weight: 5,
    state: 'Military Forces of the Democratic Republic of Congo',
    groups: ['M23: March 23 Movement', 'ADF: Allied Democratic Forces', 'CODECO', 'Mai-Mai militia'],
    outlets: [
      ['Radio Okapi', 'UN-backed (MONUSCO)'],
      ['Actualite.cd', undefined],
    ],
    admin1: [
      a(
        'Nord-Kivu',
        -0.79,
        29.05,
        ['Goma', 'Beni', 'Rutshuru', 'Masisi'],
        ['Goma', 'Beni', 'Rutshuru', 'Sake', 'Butembo'],
      ),
      a('Ituri', 1.56, 30.25, ['Djugu', 'Irumu', 'Mahagi'], ['Bunia', 'Djugu', 'Komanda', 'Mahagi']),
      a('Sud-Kivu', -2.5, 28.86, ['Bukavu', 'Uvira', 'Fizi'], ['Bukavu', 'Uvira', 'Fizi', 'Kalehe']),
    ],
  },
  {
    name: 'Myanmar',
    iso3: 'MMR',
    weight: 6,
    state: 'Military Forces of Myanmar',
    groups: [
      'People’s Defense Force',
      'Arakan Army',
      'Kachin Independence Army',
      'Myanmar National Democratic Alliance Army',
    ],
    outlets: [
      ['Global New Light of Myanmar', 'state-run (Myanmar junta)'],
      ['Myanmar Now', undefined],
      ['The Irrawaddy', undefined],
    ],
    admin1: [
      a('Sagaing', 21.88, 95.98, ['Monywa', 'Shwebo', 'Kale'], ['Monywa', 'Shwebo', 'Kale', 'Pale']),
      a(
        'Rakhine',
        20.15,
        92.9,
        ['Sittwe', 'Mrauk-U', 'Maungdaw'],
        ['Sittwe', 'Mrauk-U', 'Maungdaw', 'Buthidaung'],
      ),
      a('Shan', 22.03, 97.73, ['Lashio', 'Muse', 'Laukkaing'], ['Lashio', 'Muse', 'Laukkaing', 'Hsipaw']),
      a('Kachin', 25.38, 97.39, ['Myitkyina', 'Bhamo'], ['Myitkyina', 'Bhamo', 'Hpakant']),
      a('Magway', 20.15, 94.93, ['Magway', 'Pakokku', 'Gangaw'], ['Magway', 'Pakokku', 'Gangaw']),
    ],
  },
  {
    name: 'Afghanistan',
    iso3: 'AFG',
    weight: 3,
    state: 'Taliban',
    groups: ['Islamic State Khorasan Province', 'National Resistance Front', 'Military Forces of Pakistan'],
    outlets: [
      ['Bakhtar News Agency', 'state news agency (Afghanistan, Taliban-run)'],
      ['TOLOnews', undefined],
      ['Amu TV', undefined],
    ],
    admin1: [
      a('Kabul', 34.53, 69.17, ['Kabul', 'Paghman'], ['Kabul', 'Paghman', 'Dasht-e-Barchi']),
      a('Nangarhar', 34.43, 70.45, ['Jalalabad', 'Achin'], ['Jalalabad', 'Achin', 'Spin Ghar']),
      a('Panjshir', 35.3, 69.73, ['Bazarak', 'Rukha'], ['Bazarak', 'Rukha', 'Dara']),
      a('Kunduz', 36.73, 68.86, ['Kunduz', 'Imam Sahib'], ['Kunduz', 'Imam Sahib', 'Khan Abad']),
    ],
  },
  {
    name: 'Libya',
    iso3: 'LBY',
    weight: 2,
    state: 'Government of National Unity forces',
    groups: ['Libyan National Army', 'Misrata militia', 'Zawiya militia'],
    outlets: [
      ['LANA (Libya News Agency)', 'state news agency (Libya)'],
      ['Libya Observer', undefined],
    ],
    admin1: [
      a('Tripoli', 32.89, 13.19, ['Tripoli', 'Tajura'], ['Tripoli', 'Tajura', 'Ain Zara', 'Abu Salim']),
      a('Misrata', 32.38, 15.09, ['Misrata'], ['Misrata', 'Tawergha']),
      a('Benghazi', 32.12, 20.09, ['Benghazi'], ['Benghazi', 'Ganfouda']),
      a('Az Zawiyah', 32.76, 12.73, ['Zawiya'], ['Zawiya', 'Sabratha']),
    ],
  },
  {
    name: 'Palestine',
    iso3: 'PSE',
    weight: 4,
    state: 'Military Forces of Israel',
    groups: ['Hamas', 'Palestinian Islamic Jihad', 'Israeli settlers'],
    outlets: [
      ['WAFA (Palestine News Agency)', 'state news agency (Palestinian Authority)'],
      ['Times of Israel', undefined],
      ['Al Jazeera', 'state-funded (Qatar)'],
    ],
    admin1: [
      a(
        'Gaza Strip',
        31.45,
        34.4,
        ['Gaza City', 'Khan Younis', 'Rafah', 'Deir al-Balah', 'North Gaza'],
        ['Gaza City', 'Khan Younis', 'Rafah', 'Jabalia', 'Deir al-Balah', 'Beit Hanoun'],
      ),
      a(
        'West Bank',
        32.0,
        35.25,
        ['Jenin', 'Nablus', 'Hebron', 'Tulkarm'],
        ['Jenin', 'Nablus', 'Hebron', 'Tulkarm', 'Jenin camp'],
      ),
    ],
  },
  {
    name: 'Côte d’Ivoire',
    iso3: 'CIV',
    weight: 1,
    state: 'Military Forces of Côte d’Ivoire',
    groups: ['JNIM: Group for Support of Islam and Muslims', 'Communal militia'],
    outlets: [['Fraternité Matin', 'state-owned (Côte d’Ivoire)']],
    admin1: [
      a('Savanes', 9.46, -5.63, ['Korhogo', 'Tengréla'], ['Korhogo', 'Tengréla', 'Kafolo']),
      a('Abidjan', 5.36, -4.01, ['Abobo', 'Yopougon'], ['Abidjan', 'Abobo', 'Yopougon']),
    ],
  },
  {
    name: 'Colombia',
    iso3: 'COL',
    weight: 3,
    state: 'Military Forces of Colombia',
    groups: ['ELN: National Liberation Army', 'Clan del Golfo', 'FARC dissidents (EMC)'],
    outlets: [
      ['El Tiempo', undefined],
      ['Caracol Radio', undefined],
    ],
    admin1: [
      a('Cauca', 2.44, -76.61, ['Popayán', 'Argelia', 'Suárez'], ['Popayán', 'Argelia', 'Suárez', 'Toribío']),
      a('Norte de Santander', 7.89, -72.5, ['Cúcuta', 'Tibú'], ['Cúcuta', 'Tibú', 'El Tarra']),
      a('Arauca', 7.08, -70.76, ['Arauca', 'Saravena'], ['Arauca', 'Saravena', 'Tame']),
      a('Antioquia', 6.25, -75.56, ['Medellín', 'Segovia', 'Ituango'], ['Medellín', 'Segovia', 'Ituango']),
    ],
  },
  {
    name: 'Mexico',
    iso3: 'MEX',
    weight: 3,
    state: 'Military Forces of Mexico',
    groups: ['Sinaloa Cartel', 'Jalisco New Generation Cartel', 'Gulf Cartel'],
    outlets: [
      ['El Universal', undefined],
      ['Proceso', undefined],
    ],
    admin1: [
      a('Sinaloa', 24.8, -107.39, ['Culiacán', 'Mazatlán'], ['Culiacán', 'Mazatlán', 'Navolato']),
      a('Guerrero', 17.55, -99.5, ['Chilpancingo', 'Acapulco'], ['Chilpancingo', 'Acapulco', 'Iguala']),
      a('Michoacán', 19.7, -101.19, ['Morelia', 'Apatzingán'], ['Morelia', 'Apatzingán', 'Aguililla']),
    ],
  },
  {
    name: 'Ethiopia',
    iso3: 'ETH',
    weight: 3,
    state: 'Military Forces of Ethiopia',
    groups: ['Fano militia', 'Oromo Liberation Army', 'Tigray Defense Forces'],
    outlets: [
      ['Ethiopian News Agency', 'state news agency (Ethiopia)'],
      ['Addis Standard', undefined],
    ],
    admin1: [
      a(
        'Amhara',
        11.6,
        37.39,
        ['Bahir Dar', 'Gondar', 'Debre Markos'],
        ['Bahir Dar', 'Gondar', 'Lalibela', 'Debre Markos'],
      ),
      a('Oromia', 8.98, 38.76, ['West Shewa', 'Horo Guduru'], ['Ambo', 'Nekemte', 'Shashamane']),
      a('Tigray', 13.5, 39.47, ['Mekelle', 'Adigrat'], ['Mekelle', 'Adigrat', 'Shire', 'Axum']),
    ],
  },
];

/** Outlets that report everywhere, with their affiliation. */
export const WIRE_OUTLETS: readonly (readonly [string, string | undefined])[] = [
  ['Reuters', undefined],
  ['Agence France-Presse', 'state-funded (France), editorially independent'],
  ['Associated Press', undefined],
  ['BBC News', 'public broadcaster (UK)'],
  ['Al Jazeera', 'state-funded (Qatar)'],
  ['Anadolu Agency', 'state-run (Türkiye)'],
  ['Press TV', 'state-affiliated (Iran)'],
  ['RT', 'state-affiliated (Russia)'],
  ['Xinhua', 'state news agency (China)'],
  ['The New Humanitarian', undefined],
  ['ACLED', 'dataset (Armed Conflict Location & Event Data)'],
];
