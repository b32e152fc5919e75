// Cold-start probe (bench/cold-start.mjs): the same Worker without jifen, to
// subtract workerd's own start-up from the package's.
export default {
  async fetch() {
    return new Response('ok');
  },
};
