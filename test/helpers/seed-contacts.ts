/** The demo seed's contacts (server/seed.ts) by first name, for tests that follow one through a campaign. */
export const seedContact = {
  jonas: 'jonas.becker@becker-maschinenbau.example',
  anna: 'anna.schmidt@schmidt-pressen.example',
  lukas: 'lukas.weber@weber-kunststoff.example',
  miriam: 'miriam.hoffmann@hoffmann-werkzeug.example',
  claire: 'claire.dupont@dupont-industrie.example',
  julien: 'julien.martin@martin-mecanique.example',
  elodie: 'elodie.bernard@bernard-plasturgie.example',
  marco: 'marco.rossi@rossi-macchine.example',
  giulia: 'giulia.bianchi@bianchi-stampi.example',
  javier: 'javier.garcia@garcia-prensas.example',
  lucia: 'lucia.fernandez@fernandez-metal.example',
  pablo: 'pablo.ruiz@ruiz-hidraulica.example',
}
