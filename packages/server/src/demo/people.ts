/** The fictional demo delegations (docs/architecture.md §8). Every name, place and address here is invented. */
export const DEMO_PASSWORD = 'parley-demo-password';
export const DEMO_ADMIN = { email: 'admin@parley.example', displayName: 'Instance Administrator' };

export interface DemoPerson {
  key: string;
  email: string;
  displayName: string;
  role: 'chair' | 'member' | 'observer' | 'secretariat';
  agency: string;
  title: string;
  /** The language of their Parley, chosen in their profile; without it the browser's language applies. */
  language?: 'fr' | 'he';
}

export interface DemoSide {
  name: string;
  shortCode: string;
  colour: string;
  agencies: { name: string; marking: 'shared' | 'side-only' }[];
  people: DemoPerson[];
}

export const DEMO_GROUP = {
  name: 'Strategic Consultative Group',
  description:
    'Standing consultations between the Republic of Aldoria and the Commonwealth of Belmora on strategic stability, regional security and crisis communication.',
};

export const DEMO_SIDES: DemoSide[] = [
  {
    name: 'Republic of Aldoria',
    shortCode: 'ALD',
    colour: '#1f4e8c',
    agencies: [
      { name: 'Office of the National Security Adviser', marking: 'shared' },
      { name: 'Ministry of Foreign Affairs', marking: 'shared' },
      { name: 'Ministry of Defence', marking: 'shared' },
      { name: 'National Intelligence Service', marking: 'side-only' },
    ],
    people: [
      {
        key: 'ald-nsa',
        email: 'helena.varga@aldoria.example',
        displayName: 'Helena Varga',
        role: 'chair',
        agency: 'Office of the National Security Adviser',
        title: 'National Security Adviser',
      },
      {
        key: 'ald-fm',
        email: 'tomas.reinholt@aldoria.example',
        displayName: 'Tomas Reinholt',
        role: 'chair',
        agency: 'Ministry of Foreign Affairs',
        title: 'Minister of Foreign Affairs',
      },
      {
        key: 'ald-sec',
        email: 'jonas.ebner@aldoria.example',
        displayName: 'Jonas Ebner',
        role: 'secretariat',
        agency: 'Office of the National Security Adviser',
        title: 'Secretary of the Delegation',
      },
      {
        key: 'ald-arms',
        email: 'ines.kovac@aldoria.example',
        displayName: 'Ines Kovač',
        role: 'member',
        agency: 'Ministry of Foreign Affairs',
        title: 'Director, Arms Control and Disarmament',
        language: 'fr',
      },
      {
        key: 'ald-def',
        email: 'piotr.adamek@aldoria.example',
        displayName: 'Col. Piotr Adamek',
        role: 'member',
        agency: 'Ministry of Defence',
        title: 'Head of Defence Policy',
      },
      {
        key: 'ald-intel',
        email: 'mara.lindqvist@aldoria.example',
        displayName: 'Mara Lindqvist',
        role: 'member',
        agency: 'National Intelligence Service',
        title: 'Senior Analyst',
      },
    ],
  },
  {
    name: 'Commonwealth of Belmora',
    shortCode: 'BEL',
    colour: '#8c3b1f',
    agencies: [
      { name: 'National Security Council', marking: 'shared' },
      { name: 'Department of External Affairs', marking: 'shared' },
      { name: 'Department of Defence', marking: 'shared' },
      { name: 'Ministry of Energy', marking: 'shared' },
    ],
    people: [
      {
        key: 'bel-nsa',
        email: 'amara.okafor@belmora.example',
        displayName: 'Amara Okafor',
        role: 'chair',
        agency: 'National Security Council',
        title: 'National Security Adviser',
      },
      {
        key: 'bel-fm',
        email: 'rafael.quintero@belmora.example',
        displayName: 'Rafael Quintero',
        role: 'chair',
        agency: 'Department of External Affairs',
        title: 'Minister for External Affairs',
      },
      {
        key: 'bel-sec',
        email: 'noor.rahman@belmora.example',
        displayName: 'Noor Rahman',
        role: 'secretariat',
        agency: 'National Security Council',
        title: 'Council Secretary',
      },
      {
        key: 'bel-legal',
        email: 'leila.haddad@belmora.example',
        displayName: 'Leila Haddad',
        role: 'member',
        agency: 'Department of External Affairs',
        title: 'Legal Adviser',
        language: 'he',
      },
      {
        key: 'bel-def',
        email: 'samuel.achebe@belmora.example',
        displayName: 'Brig. Samuel Achebe',
        role: 'member',
        agency: 'Department of Defence',
        title: 'Director of Strategic Plans',
      },
      {
        key: 'bel-energy',
        email: 'yuki.tanaka@belmora.example',
        displayName: 'Yuki Tanaka',
        role: 'member',
        agency: 'Ministry of Energy',
        title: 'Special Envoy for Energy Security',
      },
    ],
  },
];
